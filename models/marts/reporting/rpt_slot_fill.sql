{#-
    The seed's "Current Slot Status" table recomputed from data: per slot type and in total,
    how many of the spine's slots are filled (docs/rulebook.md §4: is_filled and the person
    exists; a quarantined slot row counts as not filled).
-#}
-- Published after the run's queue and decision log (a reporting mart shows a run that
-- completed them; docs/design_choices.md: a run is one unit):
-- depends_on: {{ ref('int_run_checked') }}
-- depends_on: {{ ref('send_queue') }}
-- depends_on: {{ ref('decision_log') }}

with

slot_types as (

    select
        slot_type,
        fallback_order
    from {{ ref('slot_waterfall') }}

),

slots as (

    select
        slot_type,
        is_filled
    from {{ ref('int_slots_resolved') }}

),

-- every slot type of the waterfall has its row, with zeros when the spine is empty
by_type as (

    select
        slot_types.slot_type,
        slot_types.fallback_order as sort_order,
        count(slots.slot_type) filter (where slots.is_filled) as filled_slots,
        count(slots.slot_type) as total_slots
    from slot_types
    left join slots
        on slot_types.slot_type = slots.slot_type
    group by slot_types.slot_type, slot_types.fallback_order

),

overall as (

    select
        'Total' as slot_type,
        max(sort_order) + 1 as sort_order,
        sum(filled_slots) as filled_slots,
        sum(total_slots) as total_slots
    from by_type

),

final as (

    select
        slot_type,
        sort_order,
        cast(filled_slots as bigint) as filled_slots,
        cast(total_slots as bigint) as total_slots,
        round(100.0 * filled_slots / nullif(total_slots, 0), 1) as fill_rate_pct
    from by_type
    union all
    select
        slot_type,
        sort_order,
        cast(filled_slots as bigint) as filled_slots,
        cast(total_slots as bigint) as total_slots,
        round(100.0 * filled_slots / nullif(total_slots, 0), 1) as fill_rate_pct
    from overall

)

-- the run writing this mart (its row in the run log); the checkpoint holds it back
select
    {{ run_columns() }},
    final.*
from final
