{#-
    Every source row that broke the contract, counted by source table and reason.
    `rejected` rows are quarantined in staging and never used; `flagged` rows are used
    but carry a known defect (an email that is missing, malformed or not normalised, or a
    missing first name; all but the not-normalised email stop that person's message at
    EMAIL_NOT_READY). A signal id delivered by two hubs is resolved in int_signals_unioned;
    the copies it drops are counted here as DUPLICATE_SIGNAL_ID of their hub, like the
    copies within one hub that staging flags. One set of rows per run (incremental, keyed
    by as_of): how the sources' quality moves from run to run.
-#}
-- Published after the run's queue and decision log (a reporting mart shows a run that
-- completed them; docs/design_choices.md: a run is one unit):
-- depends_on: {{ ref('int_run_checked') }}
-- depends_on: {{ ref('send_queue') }}
-- depends_on: {{ ref('decision_log') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of',
        full_refresh=false,
        on_schema_change='fail',
        pre_hook="{{ lock_for_append(this) }}"
    )
}}

{%- set staged = [
    ('cl.company_identity', 'stg_cl__company_identities'),
    ('outreach.outreach', 'stg_outreach__companies'),
    ('outreach.outreach_excluded', 'stg_outreach__exclusions'),
    ('outreach.company_target', 'stg_outreach__company_targets'),
    ('outreach.dol', 'stg_outreach__dol_filings'),
    ('outreach.bit_scores', 'stg_outreach__bit_scores'),
    ('outreach.manual_overrides', 'stg_outreach__manual_overrides'),
    ('people.company_slot', 'stg_people__company_slots'),
    ('people.people_master', 'stg_people__people'),
    ('people.slot_assignment_history', 'stg_people__slot_assignments'),
    ('dol.pressure_signals', 'stg_dol__pressure_signals'),
    ('people.pressure_signals', 'stg_people__pressure_signals'),
    ('blog.pressure_signals', 'stg_blog__pressure_signals'),
    ('execution.send_events', 'stg_execution__send_events'),
] -%}

with

rejected as (
    {% for source_table, model in staged %}
        select
            '{{ source_table }}' as source_table,
            'rejected' as disposition,
            invalid_reason as reason,
            count(*) as row_count
        from {{ ref(model) }}
        where not is_valid
        group by invalid_reason
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

flagged as (

    select
        'people.people_master' as source_table,
        'flagged' as disposition,
        contact_issue as reason,
        count(*) as row_count
    from {{ ref('stg_people__people') }}
    where is_valid and contact_issue is not null
    group by contact_issue

),

dropped_copies as (

    select
        sum(dol_copies_dropped) as dol,
        sum(people_copies_dropped) as people,
        sum(blog_copies_dropped) as blog
    from {{ ref('int_signals_unioned') }}

),

across_hubs as (

    select
        'dol.pressure_signals' as source_table,
        dol as row_count
    from dropped_copies
    union all
    select
        'people.pressure_signals' as source_table,
        people as row_count
    from dropped_copies
    union all
    select
        'blog.pressure_signals' as source_table,
        blog as row_count
    from dropped_copies

),

combined as (

    select
        source_table,
        disposition,
        reason,
        row_count
    from rejected
    union all
    select
        source_table,
        'rejected' as disposition,
        'DUPLICATE_SIGNAL_ID' as reason,
        row_count
    from across_hubs
    where row_count > 0
    union all
    select
        source_table,
        disposition,
        reason,
        row_count
    from flagged

),

-- copies dropped across hubs join their hub's DUPLICATE_SIGNAL_ID row
final as (

    select
        source_table,
        disposition,
        reason,
        sum(row_count)::bigint as row_count
    from combined
    group by source_table, disposition, reason

)

-- the run writing this mart (its row in the run log); the checkpoint holds it back
select
    {{ run_columns() }},
    final.*
from final
