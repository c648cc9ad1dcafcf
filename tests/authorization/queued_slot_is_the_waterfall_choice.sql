{#- Invariant: the queued audience is a filled slot and is the slot waterfall's choice, held by the queued person. -#}
with

messages as (

    select
        message_id,
        outreach_id,
        slot_type,
        person_unique_id
    from {{ ref('int_messages_rendered') }}

),

slots as (

    select
        outreach_id,
        slot_type,
        person_unique_id,
        is_filled
    from {{ ref('int_slots_resolved') }}

),

choices as (

    select
        outreach_id,
        chosen_slot
    from {{ ref('int_slots_chosen') }}

)

select
    messages.message_id,
    messages.slot_type,
    choices.chosen_slot
from messages
left join slots
    on
        messages.outreach_id = slots.outreach_id
        and messages.slot_type = slots.slot_type
left join choices
    on messages.outreach_id = choices.outreach_id
where
    not coalesce(slots.is_filled, false)
    or coalesce(slots.person_unique_id, '') != messages.person_unique_id
    or coalesce(choices.chosen_slot, '') != messages.slot_type
