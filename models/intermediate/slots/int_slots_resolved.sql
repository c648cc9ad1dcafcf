{#-
    Every company of the spine times every slot type (CEO, CFO, HR): whether the slot is
    filled as docs/rulebook.md §4 defines it — is_filled is true and the person exists — and
    who holds it. A quarantined slot row (duplicate, unknown type, ...) leaves the slot
    empty.
-#}
with

companies as (

    select outreach_id
    from {{ ref('stg_outreach__companies') }}
    where is_valid

),

slot_types as (

    select
        slot_type,
        fallback_order
    from {{ ref('slot_waterfall') }}

),

slots as (

    select
        outreach_id,
        slot_type,
        slot_id,
        person_unique_id,
        is_filled
    from {{ ref('stg_people__company_slots') }}
    where is_valid

),

people as (

    select person_unique_id
    from {{ ref('stg_people__people') }}
    where is_valid

),

final as (

    select
        companies.outreach_id,
        slot_types.slot_type,
        slot_types.fallback_order,
        slots.slot_id,
        slots.person_unique_id,
        coalesce(slots.is_filled, false) as is_marked_filled,
        people.person_unique_id is not null as is_person_found,
        coalesce(slots.is_filled, false) and people.person_unique_id is not null as is_filled
    from companies
    cross join slot_types
    left join slots
        on
            companies.outreach_id = slots.outreach_id
            and slot_types.slot_type = slots.slot_type
    left join people
        on slots.person_unique_id = people.person_unique_id

)

select * from final
