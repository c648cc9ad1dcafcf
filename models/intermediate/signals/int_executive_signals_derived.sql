{#-
    The executive bridge (docs/rulebook.md §1): every ASSIGNED slot event is a new executive
    in seat; every VACATED event whose seat is still empty is a vacancy. Both are PEOPLE
    signals of ORGANIZATIONAL_RECONFIGURATION; magnitudes and lifetimes come from the
    executive_signals seed. DISPLACED events give no signal, and neither does an event whose
    signal has expired by as_of.
-#}
with

events as (

    select
        history_id,
        outreach_id,
        slot_type,
        event_type,
        event_at
    from {{ ref('stg_people__slot_assignments') }}
    where
        is_valid
        and event_at <= {{ as_of() }}

),

rules as (

    select
        event_type,
        slot_type,
        magnitude,
        lifetime_days,
        evidence_prefix,
        evidence_suffix
    from {{ ref('executive_signals') }}

),

slots as (

    select
        outreach_id,
        slot_type,
        is_filled
    from {{ ref('int_slots_resolved') }}

),

qualifying as (

    select
        events.history_id,
        events.outreach_id,
        events.slot_type,
        events.event_type,
        events.event_at,
        rules.magnitude,
        {{ add_days('events.event_at', 'rules.lifetime_days') }} as expires_at,
        rules.evidence_prefix,
        rules.evidence_suffix
    from events
    inner join rules
        on
            events.event_type = rules.event_type
            and events.slot_type = rules.slot_type
    left join slots
        on
            events.outreach_id = slots.outreach_id
            and events.slot_type = slots.slot_type
    where
        events.event_type = 'ASSIGNED'
        or (events.event_type = 'VACATED' and not coalesce(slots.is_filled, false))

),

final as (

    select
        {{ deterministic_uuid("lower(event_type) || ':' || cast(history_id as text)") }} as signal_id,
        outreach_id,
        'PEOPLE' as signal_domain,
        case event_type
            {%- for event_type, signal_type in var('executive_signal_types').items() %}
                when '{{ event_type }}' then '{{ signal_type }}'
            {%- endfor %}
        end as signal_type,
        '{{ var("executive_pressure_class") }}' as pressure_class,
        magnitude,
        evidence_prefix || ' ' || {{ days_between('event_at', as_of()) }} || ' ' || evidence_suffix as evidence,
        event_at as detected_at,
        expires_at,
        cast(null as date) as renewal_date
    from qualifying
    -- only the signals still live at as_of: an expired one can never count, and the
    -- bridge derives them again from the whole history every run (at 1M companies this
    -- keeps about 8% of 2.25M events)
    where expires_at > {{ as_of() }}

)

select * from final
