{#-
    Invariant: the queued audience is the slot the seed's select_slot would choose, worked
    out here again from the slot map and the filled slots (not from int_slots_chosen): the
    pressure class's primary slot when filled, else the first filled of the fallback order;
    and the queued person holds that slot.
-#}
with

messages as (

    select
        message_id,
        outreach_id,
        pressure_class,
        slot_type,
        person_unique_id
    from {{ ref('int_messages_rendered') }}

),

slot_map as (

    select
        pressure_class,
        primary_slot
    from {{ ref('slot_map') }}

),

slots as (

    select
        outreach_id,
        slot_type,
        fallback_order,
        person_unique_id,
        is_filled
    from {{ ref('int_slots_resolved') }}
    -- the slots of the queued companies only (the test reads them twice, and a whole
    -- table's worth read twice is what made this test slow at a million companies)
    where outreach_id in (select messages.outreach_id from messages)

),

primary_slots as (

    select
        messages.message_id,
        messages.outreach_id,
        coalesce(slot_map.primary_slot, '{{ var("default_primary_slot") }}') as primary_slot
    from messages
    left join slot_map
        on messages.pressure_class = slot_map.pressure_class

),

expected as (

    select
        primary_slots.message_id,
        coalesce(
            max(slots.slot_type) filter (where slots.slot_type = primary_slots.primary_slot and slots.is_filled),
            (array_agg(slots.slot_type order by slots.fallback_order) filter (where slots.is_filled))[1]
        ) as expected_slot
    from primary_slots
    left join slots
        on primary_slots.outreach_id = slots.outreach_id
    group by primary_slots.message_id

)

select
    messages.message_id,
    messages.slot_type,
    expected.expected_slot
from messages
left join expected
    on messages.message_id = expected.message_id
left join slots
    on
        messages.outreach_id = slots.outreach_id
        and messages.slot_type = slots.slot_type
where
    coalesce(expected.expected_slot, '') != messages.slot_type
    or not coalesce(slots.is_filled, false)
    or coalesce(slots.person_unique_id, '') != messages.person_unique_id
