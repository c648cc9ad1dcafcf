{#-
    execution.send_queue — the interface to the Execution Hub (docs/rulebook.md §7).

    Append-only: each run inserts the messages of int_messages_rendered whose message_id
    is not in the queue yet, and never updates or deletes a row. `full_refresh: false`
    keeps every queued row through `dbt build --full-refresh`. The unique constraint on
    message_id (enforced contract) makes a second copy of a message impossible.

    Two builds appending at once: the second waits, it does not fail. The pre-hook
    lock_for_append takes a transaction-scoped advisory lock on this table before the new
    rows are selected, so a second build with the same as_of waits until the first has
    committed, then finds its messages already queued and appends nothing
    (python_tests/test_faults.py).

    Only a dbt build that runs the authorization invariants appends: the pre-hook
    queue_guard stops `dbt run -s send_queue` and any build that leaves one of them out
    (macros/queue_guard.sql).
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
        pre_hook=["{{ queue_guard() }}", "{{ lock_for_append(this) }}"]
    )
}}

with

messages as (

    select
        message_id,
        outreach_id,
        slot_type,
        person_unique_id,
        email_to,
        company_name,
        band,
        band_name,
        bit_score,
        pressure_class,
        proof_id,
        proof_line,
        proof_sources,
        proof_evidence,
        proof_valid_until,
        decision_window_days,
        template_id,
        template_version,
        subject,
        body,
        channel,
        queued_at
    from {{ ref('int_messages_rendered') }}

),

new_messages as (

    select messages.*
    from messages
    {% if is_incremental() -%}
        where not exists (
                select 1
                from {{ this }} as queued
                where queued.message_id = messages.message_id
            )
    {%- endif %}

),

final as (

    select
        message_id,
        outreach_id,
        slot_type,
        person_unique_id,
        email_to,
        company_name,
        band,
        band_name,
        bit_score,
        pressure_class,
        proof_id,
        proof_line,
        proof_sources,
        proof_evidence,
        proof_valid_until,
        decision_window_days,
        template_id,
        template_version,
        subject,
        body,
        channel,
        queued_at,
        '{{ invocation_id }}' as dbt_invocation_id
    from new_messages

)

select * from final
