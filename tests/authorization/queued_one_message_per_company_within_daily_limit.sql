{#-
    Invariant: exactly one message per company in a run, unique message ids, and the day's
    messages (this run's plus those queued earlier the same as_of day) within the daily
    limit. When the earlier ones already reach it (the limit was lowered during the day, or
    a run used a higher one), this run may add none; adding none is never a violation. The
    places go in the order of docs/rulebook.md §5 (gate 11): no company held back at
    DAILY_LIMIT ranks above a queued one (band desc, BIT score desc, outreach_id), compared
    as the strongest held back against the weakest queued.

    A run is its as_of: the messages and decisions an earlier build with the same as_of
    already wrote belong to it. A re-run after the data or the vars changed (a late signal,
    a higher limit) would render messages that run did not decide: a second message for a
    company, more than the day's limit, or a message for a company the decision log says
    was not queued (the log keeps a run's first decision). It fails here instead, and a
    later as_of queues them. A message the log decided QUEUED with this very message_id
    passes: an earlier build of the run was killed between the log and the queue.
-#}
with

messages as (

    select
        message_id,
        outreach_id,
        band,
        bit_score
    from {{ ref('int_messages_rendered') }}

),

weakest_queued as (

    select
        outreach_id,
        band,
        bit_score
    from messages
    order by band asc, bit_score asc, outreach_id desc
    limit 1

),

strongest_held_back as (

    select
        outreach_id,
        band,
        bit_score
    from {{ ref('int_decisions_gated') }}
    where decision_reason = 'DAILY_LIMIT'
    order by band desc, bit_score desc, outreach_id asc
    limit 1

),

out_of_order as (

    select strongest_held_back.outreach_id
    from strongest_held_back
    cross join weakest_queued
    where
        (strongest_held_back.band, strongest_held_back.bit_score, weakest_queued.outreach_id)
        > (weakest_queued.band, weakest_queued.bit_score, strongest_held_back.outreach_id)

),

queued_this_run as (

    {{ queue_history(['message_id', 'outreach_id'], this_run=true) }}

),

new_messages as (

    select
        message_id,
        outreach_id
    from messages
    where not exists (
            select 1
            from queued_this_run
            where queued_this_run.message_id = messages.message_id
        )

),

decided_this_run as (

    {{ decision_log_history(['outreach_id', 'decision_reason', 'message_id'], this_run=true) }}

),

decided_otherwise as (

    select new_messages.outreach_id
    from new_messages
    inner join decided_this_run
        on new_messages.outreach_id = decided_this_run.outreach_id
    where
        decided_this_run.decision_reason != 'QUEUED'
        or decided_this_run.message_id is distinct from new_messages.message_id

),

run_messages as (

    select
        message_id,
        outreach_id
    from messages
    union
    select
        message_id,
        outreach_id
    from queued_this_run

),

earlier_queue as (

    {{ queue_history(['queued_at']) }}

),

earlier_today as (

    select count(*) as messages
    from earlier_queue
    where {{ utc_date('queued_at') }} = {{ utc_date(as_of()) }}

),

per_company as (

    select
        run_messages.outreach_id,
        count(distinct run_messages.message_id) as messages
    from run_messages
    where run_messages.outreach_id in (select new_messages.outreach_id from new_messages)
    group by run_messages.outreach_id
    having count(distinct run_messages.message_id) > 1

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
    from run_messages
    having
        count(*) > greatest({{ var('daily_queue_limit') }} - (select earlier_today.messages from earlier_today), 0)
        and exists (select 1 from new_messages)

)

select
    'company with several messages in this run' as violation,
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
union all
select
    'not the message this run decided for the company' as violation,
    cast(outreach_id as text) as subject
from decided_otherwise
union all
select
    'held back at the daily limit above a queued company' as violation,
    cast(outreach_id as text) as subject
from out_of_order
