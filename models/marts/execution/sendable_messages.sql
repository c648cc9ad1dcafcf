{#-
    What the Execution Hub may send now (docs/rulebook.md §10): the queued messages that
    send_recheck holds back for no reason, evaluated when read, with what the sender needs
    to build and address them. The hub claims from this view inside one statement
    (pressure_outreach/hub/sender.py), so a message claimed by one sender is gone from it
    for every other.
-#}
{{ config(materialized='view') }}

with

recheck as (

    select message_id
    from {{ ref('send_recheck') }}
    where hold_reason is null

),

queue as (

    select
        message_id,
        outreach_id,
        person_unique_id,
        email_to,
        company_name,
        slot_type,
        band,
        subject,
        body,
        -- the opt-out link the body carries (rendered from the same var); the sender signs it
        {{ sql_text(var('unsubscribe_base_url')) }} || message_id as unsubscribe_url,
        queued_at,
        proof_valid_until
    from {{ ref('send_queue') }}

),

final as (

    select queue.*
    from queue
    inner join recheck
        on queue.message_id = recheck.message_id

)

select * from final
