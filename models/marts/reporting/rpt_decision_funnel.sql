{#-
    The authorization funnel of every run (a run is one decided_at of the decision log):
    per segment of the run (band × pressure class × audience), the companies entering,
    how many each gate removed, in the order the gates run (the `decision_gates` var,
    docs/rulebook.md §5), how many remained after each gate, and how many were queued.
    Every segment has one row per gate, zeros included, so the funnel reads top to bottom.
    entering = sum of removed + queued, per segment and per run.

    Incremental: a run's funnel is computed once, when the run is logged. The log is
    append-only, so an earlier run's funnel never changes; each build recomputes only the
    funnel of its own as_of (a re-run may log companies the first run did not have),
    reading that run's rows through the log's index on decided_at instead of the whole
    history. After a change to the gates or to this model, rebuild every run with
    `dbt build --full-refresh -s rpt_decision_funnel`. Two builds at once take turns
    (lock_for_append): the second deletes and re-inserts after the first has committed,
    so no run's funnel is ever there twice.
-#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='decided_at',
        on_schema_change='fail',
        pre_hook="{{ lock_for_append(this) }}"
    )
}}
{%- set gates = var('decision_gates') -%}
-- depends_on: {{ ref('int_run_checked') }}
-- depends_on: {{ ref('send_queue') }}

with

-- the run writing this mart (its row in the run log); the checkpoint holds it back
run as (

    select {{ run_columns() }}

),

decisions as (

    select
        decided_at,
        band,
        band_name,
        coalesce(pressure_class, 'NONE') as pressure_class,
        coalesce(slot_type, 'NONE') as slot_type,
        decision_reason
    from {{ ref('decision_log') }}
    {% if is_incremental() -%}
        where decided_at = {{ as_of() }}
    {%- endif %}

),

gates as (

    {% for gate in gates %}
        select
            {{ loop.index }} as gate_order,
            '{{ gate }}' as gate
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

segments as (

    select
        decided_at,
        band,
        band_name,
        pressure_class,
        slot_type,
        count(*) as companies_entering,
        count(*) filter (where decision_reason = 'QUEUED') as companies_queued
    from decisions
    group by decided_at, band, band_name, pressure_class, slot_type

),

removals as (

    select
        decided_at,
        band,
        pressure_class,
        slot_type,
        decision_reason as gate,
        count(*) as companies_removed
    from decisions
    where decision_reason != 'QUEUED'
    group by decided_at, band, pressure_class, slot_type, decision_reason

),

steps as (

    select
        segments.decided_at,
        segments.band,
        segments.band_name,
        segments.pressure_class,
        segments.slot_type,
        gates.gate_order,
        gates.gate,
        segments.companies_entering,
        segments.companies_queued,
        coalesce(removals.companies_removed, 0) as companies_removed
    from segments
    cross join gates
    left join removals
        on
            segments.decided_at = removals.decided_at
            and segments.band = removals.band
            and segments.pressure_class = removals.pressure_class
            and segments.slot_type = removals.slot_type
            and gates.gate = removals.gate

),

cumulative as (

    select
        *,
        sum(companies_removed) over (
            partition by decided_at, band, pressure_class, slot_type
            order by gate_order
            rows between unbounded preceding and current row
        ) as removed_so_far
    from steps

),

final as (

    select
        decided_at,
        band,
        band_name,
        pressure_class,
        slot_type,
        gate_order,
        gate,
        cast(companies_entering as bigint) as companies_entering,
        cast(companies_entering - removed_so_far + companies_removed as bigint) as companies_reaching_gate,
        cast(companies_removed as bigint) as companies_removed,
        cast(companies_entering - removed_so_far as bigint) as companies_remaining_after_gate,
        cast(companies_queued as bigint) as companies_queued
    from cumulative

)

select
    run.run_id,
    final.decided_at as as_of,
    final.*
from final
cross join run
