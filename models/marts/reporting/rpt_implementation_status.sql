{#-
    The seed document's Implementation Status table, measured from data at as_of: one row
    per component with what was measured (a count, or a count of a whole), its target
    (the `implementation_targets` var; templates against every audience × pressure class
    pair) and a status: COMPLETE at or above the target, PARTIAL above zero, NOT_YET at
    zero. `status_in_seed_document` quotes the seed (2026-02-07) for comparison.
-#}
-- Published after the run's queue and decision log (a reporting mart shows a run that
-- completed them; docs/design_choices.md: a run is one unit):
-- depends_on: {{ ref('int_run_checked') }}
-- depends_on: {{ ref('send_queue') }}
-- depends_on: {{ ref('decision_log') }}

{% set targets = var('implementation_targets') -%}
{%- set component_ctes = [
    'slot_fill', 'legacy_coverage', 'band_coverage', 'proof_coverage',
    'template_coverage', 'queue_rows', 'events_received',
] -%}
{%- set required_templates = (var('slot_types') | length) * (var('pressure_classes') | length) -%}

with

slot_fill_total as (

    select
        filled_slots,
        total_slots
    from {{ ref('rpt_slot_fill') }}
    where slot_type = 'Total'

),

-- every company of the spine is in exactly one cell of rpt_bit_coverage when it has a
-- v2 band; the spine and legacy totals repeat on every row (none at all when the spine is
-- empty: every count is then 0)
bit_coverage as (

    select
        coalesce(max(spine_companies), 0) as spine_companies,
        coalesce(max(legacy_scored_companies), 0) as legacy_scored_companies,
        coalesce(sum(companies), 0) as banded_companies
    from {{ ref('rpt_bit_coverage') }}

),

bands as (

    select
        outreach_id,
        band
    from {{ ref('int_company_bands_scored') }}

),

proofs as (

    select
        outreach_id,
        is_valid_at_as_of
    from {{ ref('int_proof_lines_formed') }}

),

templates as (

    select
        audience,
        pressure_class
    from {{ ref('message_templates') }}
    where
        audience in {{ sql_list(var('slot_types')) }}
        and pressure_class in {{ sql_list(var('pressure_classes')) }}
        and coalesce(subject, '') != ''
        and coalesce(body, '') != ''

),

queue as (

    select message_id
    from {{ ref('send_queue') }}
    where queued_at <= {{ as_of() }}

),

events as (

    select message_id
    from {{ ref('stg_execution__send_events') }}
    where
        is_valid
        and event_at <= {{ as_of() }}

),

slot_fill as (

    select
        'Slot Fill' as component,
        1 as sort_order,
        'slots filled (marked filled and the person exists) of all CEO, CFO and HR slots' as measure,
        'percent' as unit,
        filled_slots as measured_count,
        total_slots as measured_total,
        {{ targets['slot_fill_pct'] }} as target_value,
        '62.4% complete' as status_in_seed_document
    from slot_fill_total

),

legacy_coverage as (

    select
        'BIT Scoring (legacy)' as component,
        2 as sort_order,
        'companies of the spine with a legacy BIT score (reported only, never decides)' as measure,
        'percent' as unit,
        legacy_scored_companies as measured_count,
        spine_companies as measured_total,
        {{ targets['legacy_bit_coverage_pct'] }} as target_value,
        '13.9% coverage' as status_in_seed_document
    from bit_coverage

),

band_coverage as (

    select
        'BIT Scoring (v2 band)' as component,
        3 as sort_order,
        'companies of the spine with a v2 BIT band at as_of' as measure,
        'percent' as unit,
        banded_companies as measured_count,
        spine_companies as measured_total,
        {{ targets['bit_band_coverage_pct'] }} as target_value,
        cast(null as text) as status_in_seed_document
    from bit_coverage

),

proof_coverage as (

    select
        'Proof Generation' as component,
        4 as sort_order,
        'companies at band {{ var("min_contact_band") }} or above with a proof line valid at as_of' as measure,
        'percent' as unit,
        count(*) filter (where proofs.is_valid_at_as_of) as measured_count,
        count(*) as measured_total,
        {{ targets['proof_coverage_pct'] }} as target_value,
        'NOT YET' as status_in_seed_document
    from bands
    left join proofs
        on bands.outreach_id = proofs.outreach_id
    where bands.band >= {{ var('min_contact_band') }}

),

template_coverage as (

    select
        'Message Templates' as component,
        5 as sort_order,
        'audience × pressure class pairs with a template, of the {{ required_templates }} required' as measure,
        'count' as unit,
        count(distinct audience || '|' || pressure_class) as measured_count,
        {{ required_templates }} as measured_total,
        {{ required_templates }} as target_value,
        'NOT YET' as status_in_seed_document
    from templates

),

queue_rows as (

    select
        'Execution Hub: send queue' as component,
        6 as sort_order,
        'messages in execution.send_queue' as measure,
        'count' as unit,
        count(*) as measured_count,
        cast(null as bigint) as measured_total,
        {{ targets['queued_messages'] }} as target_value,
        'SCHEMA ONLY' as status_in_seed_document
    from queue

),

events_received as (

    select
        'Execution Hub: results' as component,
        7 as sort_order,
        'events received in execution.send_events about messages of the send queue' as measure,
        'count' as unit,
        count(queue.message_id) as measured_count,
        cast(null as bigint) as measured_total,
        {{ targets['send_events_received'] }} as target_value,
        'SCHEMA ONLY' as status_in_seed_document
    from events
    left join queue
        on events.message_id = queue.message_id

),

components as (

    {% for component in component_ctes %}
        select
            component,
            sort_order,
            measure,
            unit,
            measured_count,
            measured_total,
            target_value,
            status_in_seed_document
        from {{ component }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

measured as (

    select
        *,
        case
            when unit = 'percent' then 100.0 * measured_count / nullif(measured_total, 0)
            else measured_count
        end as exact_value
    from components

),

final as (

    select
        component,
        sort_order,
        measure,
        unit,
        cast(measured_count as bigint) as measured_count,
        cast(measured_total as bigint) as measured_total,
        case
            when unit = 'percent' then round(exact_value, 1)
            else exact_value
        end as measured_value,
        cast(target_value as numeric) as target_value,
        case
            when exact_value >= target_value then 'COMPLETE'
            when exact_value > 0 then 'PARTIAL'
            else 'NOT_YET'
        end as status,
        status_in_seed_document,
        {{ as_of() }} as measured_at
    from measured

)

-- the run writing this mart (its row in the run log); the checkpoint holds it back
select
    {{ run_columns() }},
    final.*
from final
