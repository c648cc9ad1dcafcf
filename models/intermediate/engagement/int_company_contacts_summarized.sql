{#-
    Touches and last contact per company at as_of: messages this project queued earlier
    and `sent` events the Execution Hub reported (any campaign), the latest of either being
    the last contact that the cool-down counts from. A `sent` event whose only defect is its
    own id (missing or repeated) still counts (`has_valid_content`): the message went out, and
    forgetting it would mail the company again inside its cool-down.
-#}
with

queued as (

    select
        outreach_id,
        queued_at
    from {{ ref('int_queue_history') }}

),

sent as (

    select
        outreach_id,
        event_at
    from {{ ref('stg_execution__send_events') }}
    where
        has_valid_content
        and event_type = 'sent'
        and outreach_id is not null
        and event_at <= {{ as_of() }}

),

contacts as (

    select
        outreach_id,
        queued_at as contacted_at,
        'queued' as contact_kind
    from queued
    union all
    select
        outreach_id,
        event_at as contacted_at,
        'sent' as contact_kind
    from sent

),

final as (

    select
        outreach_id,
        count(*) filter (where contact_kind = 'queued') as messages_queued,
        count(*) filter (where contact_kind = 'sent') as messages_sent,
        max(contacted_at) filter (where contact_kind = 'queued') as last_queued_at,
        max(contacted_at) filter (where contact_kind = 'sent') as last_sent_at,
        max(contacted_at) as last_contacted_at
    from contacts
    group by outreach_id

)

select * from final
