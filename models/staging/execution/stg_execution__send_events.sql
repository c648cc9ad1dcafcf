{#-
    Delivery events reported by the Execution Hub. Emails are normalised here once.
    Events of an unknown type are flagged and ignored downstream (docs/rulebook.md §9).

    An event whose only defect is its own id (missing, or repeated by a later copy) is a bad
    row, counted in rpt_data_quality, yet what it reports still happened: `has_valid_content`
    lets the suppression list and the cool-down read it (losing an opt-out or a send is worse
    than counting one twice). Funnel statuses and engagement read valid events only.
-#}
with

source as (

    select * from {{ source('execution', 'send_events') }}

),

renamed as (

    select
        event_id,
        message_id,
        outreach_id,
        person_unique_id,
        {{ normalize_email('email') }} as email,
        event_type,
        bounce_type,
        event_at,
        detail,
        row_number() over (partition by event_id order by event_at, event_type) as copy_number
    from source

),

flagged as (

    {#- The id checks come first: a row's reason is its first defect, in this order. #}
    select
        *,
        {{ quarantine_reason([
            ("event_id is null", "NULL_EVENT_ID"),
            ("copy_number > 1", "DUPLICATE_EVENT_ID"),
        ]) }} as id_reason,
        {{ quarantine_reason([
            ("event_type is null or event_type not in " ~ sql_list(var('send_event_types')), "UNKNOWN_EVENT_TYPE"),
            ("event_at is null", "NULL_EVENT_AT"),
            ("event_type = 'bounced' and (bounce_type is null or bounce_type not in " ~ sql_list(var('bounce_types')) ~ ")", "UNKNOWN_BOUNCE_TYPE"),
        ]) }} as content_reason
    from renamed

),

final as (

    select
        event_id,
        message_id,
        outreach_id,
        person_unique_id,
        email,
        event_type,
        bounce_type,
        event_at,
        detail,
        coalesce(id_reason, content_reason) as invalid_reason,
        id_reason is null and content_reason is null as is_valid,
        content_reason is null as has_valid_content
    from flagged

)

select * from final
