{#-
    Invariant: the recipient exists, the queued address is theirs (trimmed, lowercased),
    well formed, verified VALID (outreach_ready), and was never suppressed — judged here
    straight from the Execution Hub's events, not from the gate's own suppression list.
-#}
with

messages as (

    select
        message_id,
        person_unique_id,
        email_to,
        queued_at
    from {{ ref('int_messages_rendered') }}

),

people as (

    select
        person_unique_id,
        email,
        is_outreach_ready
    from {{ ref('stg_people__people') }}
    where is_valid

),

suppressing_events as (

    select email
    from {{ ref('stg_execution__send_events') }}
    where
        email is not null
        and event_at <= {{ as_of() }}
        and (
            event_type in {{ sql_list(var('suppressing_event_types')) }}
            or (event_type = 'bounced' and bounce_type in {{ sql_list(var('suppressing_bounce_types')) }})
        )

)

select
    messages.message_id,
    messages.email_to
from messages
left join people
    on messages.person_unique_id = people.person_unique_id
where
    people.person_unique_id is null
    or coalesce(people.email, '') != coalesce(messages.email_to, '-')
    or messages.email_to !~ '{{ var("email_pattern") }}'
    or not coalesce(people.is_outreach_ready, false)
    or messages.email_to in (select suppressing_events.email from suppressing_events)
