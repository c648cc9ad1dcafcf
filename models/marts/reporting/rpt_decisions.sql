{#-
    "Why was this company (not) contacted?" for BI: one row per company of the spine per
    run, with the reason code of the first gate that stopped it (or QUEUED), its band and
    cap, pressure class, the slot the waterfall chose, why it is excluded or switched off,
    and until when it cools off. No person's name, address or id: the BI role may read it
    (execution.decision_log, which has them, it may not). Incremental: a run's rows, keyed
    by its as_of, are written once the run has queued and logged them.
-#}
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
        pre_hook="{{ lock_for_append(this) }}",
        post_hook="{{ ensure_index(this, ['as_of']) }}"
    )
}}

with

decisions as (

    select
        outreach_id,
        company_name,
        decision_reason,
        band,
        band_name,
        cap,
        bit_score,
        pressure_class,
        slot_type,
        exclusion_reason,
        kill_switch_type,
        last_contacted_at,
        touches_in_window,
        touch_cap,
        message_id
    from {{ ref('int_decisions_gated') }}

),

final as (

    select
        outreach_id,
        company_name,
        decision_reason,
        band,
        band_name,
        cap,
        bit_score,
        pressure_class,
        slot_type,
        exclusion_reason,
        kill_switch_type,
        last_contacted_at,
        {{ add_days('last_contacted_at', var('cooling_off_days')) }} as cooling_off_until,
        touches_in_window,
        touch_cap,
        message_id
    from decisions

)

-- the run writing this mart (its row in the run log); the checkpoint holds it back
select
    {{ run_columns() }},
    final.*
from final
