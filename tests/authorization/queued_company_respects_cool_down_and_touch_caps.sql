{#-
    Invariant: no queued company was contacted (queued earlier, or a `sent` event) within
    the cool-down, and no queued message exceeds its band's touch cap for its pressure
    class within the touch window — judged from the queue itself and the Execution Hub's
    events (a `sent` event whose only defect is its own id counts, as in the gate).
-#}
with

messages as (

    select
        message_id,
        outreach_id,
        band,
        pressure_class
    from {{ ref('int_messages_rendered') }}

),

earlier_queue as (

    {{ queue_history(['message_id', 'outreach_id', 'pressure_class', 'queued_at']) }}

),

sent as (

    select
        outreach_id,
        event_at
    from {{ ref('stg_execution__send_events') }}
    where
        has_valid_content
        and event_type = 'sent'
        and event_at <= {{ as_of() }}

),

recent_contacts as (

    select outreach_id
    from earlier_queue
    where queued_at > {{ add_days(as_of(), -var('cooling_off_days')) }}
    union all
    select outreach_id
    from sent
    where event_at > {{ add_days(as_of(), -var('cooling_off_days')) }}

),

caps as (

    select
        band,
        touch_cap
    from {{ ref('band_thresholds') }}

),

touches as (

    select
        outreach_id,
        pressure_class,
        count(*) as touches
    from earlier_queue
    where queued_at > {{ add_days(as_of(), -var('touch_cap_window_days')) }}
    group by outreach_id, pressure_class

)

select messages.message_id
from messages
left join caps
    on messages.band = caps.band
left join touches
    on
        messages.outreach_id = touches.outreach_id
        and messages.pressure_class = touches.pressure_class
where
    messages.outreach_id in (select recent_contacts.outreach_id from recent_contacts)
    or (caps.touch_cap is not null and coalesce(touches.touches, 0) >= caps.touch_cap)
