{#-
    The slot (CEO, CFO or HR) each company's message would go to (docs/rulebook.md §4, the
    seed's select_slot): the primary slot of its pressure class when filled, otherwise the
    first filled of CEO, CFO, HR. A class missing from the slot_map seed, or no class at
    all, routes to CEO first. No filled slot leaves chosen_slot NULL.
-#}
with

bands as (

    select
        outreach_id,
        primary_class
    from {{ ref('int_company_bands_scored') }}

),

slot_map as (

    select
        pressure_class,
        primary_slot
    from {{ ref('slot_map') }}

),

filled_slots as (

    select
        outreach_id,
        slot_type,
        fallback_order,
        person_unique_id
    from {{ ref('int_slots_resolved') }}
    where is_filled

),

routed as (

    select
        bands.outreach_id,
        bands.primary_class,
        coalesce(slot_map.primary_slot, '{{ var("default_primary_slot") }}') as primary_slot
    from bands
    left join slot_map
        on bands.primary_class = slot_map.pressure_class

),

-- One pass: every company with its filled slots (or a single row of NULLs when none is
-- filled), ranked by the waterfall; the first row is the choice.
ranked as (

    select
        routed.outreach_id,
        routed.primary_class,
        routed.primary_slot,
        filled_slots.slot_type,
        filled_slots.person_unique_id,
        row_number() over (
            partition by routed.outreach_id
            order by {{ slot_waterfall_rank('filled_slots.slot_type', 'routed.primary_slot', 'filled_slots.fallback_order') }}
        ) as waterfall_rank
    from routed
    left join filled_slots
        on routed.outreach_id = filled_slots.outreach_id

),

final as (

    select
        outreach_id,
        primary_class,
        primary_slot,
        slot_type as chosen_slot,
        person_unique_id,
        slot_type is not null as has_filled_slot,
        coalesce(slot_type = primary_slot, false) as is_primary_slot
    from ranked
    where waterfall_rank = 1

)

select * from final
