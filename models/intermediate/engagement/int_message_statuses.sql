{#-
    The latest status of every message the Execution Hub reported on, at as_of: the event
    with the latest event_at (ties: the later stage of the funnel). Unknown event types are
    ignored.
-#}
with

events as (

    select
        message_id,
        outreach_id,
        event_type,
        bounce_type,
        event_at
    from {{ ref('stg_execution__send_events') }}
    where
        is_valid
        and message_id is not null
        and event_at <= {{ as_of() }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by message_id
            order by
                event_at desc,
                array_position(
                    string_to_array('{{ var("send_event_types") | join(",") }}', ','),
                    event_type
                ) desc
        ) as recency_rank,
        count(*) over (partition by message_id) as events
    from events

),

final as (

    select
        message_id,
        outreach_id,
        event_type as latest_status,
        bounce_type as latest_bounce_type,
        event_at as latest_event_at,
        events
    from ranked
    where recency_rank = 1

)

select * from final
