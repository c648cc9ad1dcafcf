{#-
    Invariant: exactly one message per company in a run, unique message ids, and the day's
    messages (this run's plus those queued earlier the same as_of day) within the daily limit.
    When the earlier ones already reach it (the limit was lowered during the day, or a run
    used a higher one), this run may add none; adding none is never a violation.
-#}
with

messages as (

    select
        message_id,
        outreach_id
    from {{ ref('int_messages_rendered') }}

),

earlier_queue as (

    {{ queue_history(['message_id', 'outreach_id', 'pressure_class', 'queued_at']) }}

),

earlier_today as (

    select count(*) as messages
    from earlier_queue
    where {{ utc_date('queued_at') }} = {{ utc_date(as_of()) }}

),

per_company as (

    select
        outreach_id,
        count(*) as messages
    from messages
    group by outreach_id
    having count(*) > 1

),

per_message as (

    select
        message_id,
        count(*) as copies
    from messages
    group by message_id
    having count(*) > 1 or message_id is null

),

over_limit as (

    select count(*) as messages
    from messages
    having count(*) > greatest({{ var('daily_queue_limit') }} - (select earlier_today.messages from earlier_today), 0)

)

select
    'company with several messages' as violation,
    cast(outreach_id as text) as subject
from per_company
union all
select
    'repeated or missing message id' as violation,
    coalesce(message_id, 'NULL') as subject
from per_message
union all
select
    'daily limit exceeded' as violation,
    cast(messages as text) as subject
from over_limit
