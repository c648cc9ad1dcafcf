{#-
    decision_log — append-only history of every decision: exactly one row per company of
    the spine per run (a run is identified by its as_of), with the reason code and what the
    decision saw. Re-running with the same as_of adds nothing. It reads the rendered
    messages too, so when an authorization invariant fails neither the queue nor the log
    is written. Like send_queue, it appends under the lock of lock_for_append: a
    concurrent build waits, then logs nothing twice. It grows by one row per company per
    run; its index on decided_at keeps this append and decision_log_current reading one
    run's rows, not the whole history.
-#}
-- The run's checkpoint: this mart is written only when every staging and intermediate model
-- of this run was built and every data test on them passed, the authorization invariants
-- included (models/intermediate/runs/int_run_checked.sql); queue_guard appends only the
-- rows of the run the checkpoint names.
-- depends_on: {{ ref('int_run_checked') }}

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
        pre_hook=["{{ queue_guard() }}", "{{ lock_for_append(this) }}"],
        post_hook="{{ ensure_index(this, ['decided_at']) }}"
    )
}}

with

decisions as (

    select
        outreach_id,
        decided_at,
        decision_reason,
        band,
        band_name,
        cap,
        bit_score,
        pressure_class,
        proof_id,
        proof_line,
        slot_type,
        person_unique_id,
        message_id
    from {{ ref('int_decisions_gated') }}

),

messages as (

    select message_id
    from {{ ref('int_messages_rendered') }}

),

logged as (

    select
        {{ deterministic_uuid(
            "'decision|' || cast(decisions.outreach_id as text) || '|' || " ~ utc_timestamp_text('decisions.decided_at')
        ) }} as decision_id,
        decisions.outreach_id,
        decisions.decided_at,
        decisions.decision_reason,
        decisions.band,
        decisions.band_name,
        decisions.cap,
        decisions.bit_score,
        decisions.pressure_class,
        decisions.proof_id,
        decisions.proof_line,
        decisions.slot_type,
        decisions.person_unique_id,
        messages.message_id
    from decisions
    left join messages
        on decisions.message_id = messages.message_id

),

final as (

    select
        logged.*,
        '{{ invocation_id }}' as dbt_invocation_id
    from logged
    {% if is_incremental() -%}
        -- decision_id is derived from (outreach_id, decided_at): an earlier copy can only
        -- be in this run's rows, which the index on decided_at finds without reading the
        -- rest of the history (a million rows a day at a million companies).
        where not exists (
                select 1
                from {{ this }} as earlier
                where
                    earlier.decided_at = logged.decided_at
                    and earlier.decision_id = logged.decision_id
            )
    {%- endif %}

)

select * from final
