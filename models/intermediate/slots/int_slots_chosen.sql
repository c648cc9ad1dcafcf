{#-
    The slot (CEO, CFO or HR) each company's message would go to (RULES.md §4, the seed's
    select_slot): the primary slot of its pressure class when filled, otherwise the first
    filled of CEO, CFO, HR. A class missing from the slot_map seed, or no class at all,
    routes to CEO first. No filled slot leaves chosen_slot NULL.
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

slots as (

    select
        outreach_id,
        slot_type,
        fallback_order,
        person_unique_id,
        is_filled
    from {{ ref('int_slots_resolved') }}

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

ranked as (

    select
        routed.outreach_id,
        slots.slot_type,
        slots.person_unique_id,
        row_number() over (
            partition by routed.outreach_id
            order by {{ slot_waterfall_rank('slots.slot_type', 'routed.primary_slot', 'slots.fallback_order') }}
        ) as waterfall_rank
    from routed
    inner join slots
        on routed.outreach_id = slots.outreach_id
    where slots.is_filled

),

final as (

    select
        routed.outreach_id,
        routed.primary_class,
        routed.primary_slot,
        ranked.slot_type as chosen_slot,
        ranked.person_unique_id,
        ranked.slot_type is not null as has_filled_slot,
        coalesce(ranked.slot_type = routed.primary_slot, false) as is_primary_slot
    from routed
    left join ranked
        on
            routed.outreach_id = ranked.outreach_id
            and ranked.waterfall_rank = 1

)

select * from final
