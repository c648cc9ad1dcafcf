{#-
    The send-time re-check (docs/rulebook.md §10): every queued message without a send
    attempt yet, and why it may not be sent now (hold_reason; NULL when it may). A view,
    evaluated when it is read, at read_time(), not when dbt built it: an unsubscribe, a
    complaint, a hard bounce, an exclusion or a kill switch that arrived after the message
    was queued stops it, and so does a proof that expired since or a queue older than the
    send window. execution.sendable_messages is the messages of this view with no reason.

    It reads the Execution Hub's events and the outreach overrides and exclusions straight
    from their source tables (the staging tables are the build's snapshot, hours old by the
    time a message goes out), with the same rules as the gates: the address trimmed and
    lowercased, suppression never expiring, a NULL date on an exclusion or override in
    force, only `is_active = false` deactivating an override.

    On a replay clock (read_at earlier than the statement's own time) an opt-out, complaint
    or hard bounce counts once the real clock has passed it (known_at): reading the past never
    undoes one. Exclusions and overrides keep their dates' meaning (in force from
    excluded_at / created_at, as in the gates).
    Only a run that completed (status success, every model built) releases its queue.
-#}
{{ config(materialized='view') }}

with

clock as (

    select
        read_at,
        greatest(read_at, statement_timestamp()) as known_at
    from (select {{ read_time() }} as read_at) as read_time

),

queue as (

    select
        message_id,
        outreach_id,
        email_to,
        queued_at,
        proof_valid_until
    from {{ ref('send_queue') }}

),

attempts as (

    select message_id
    from {{ source('execution_history', 'send_attempts') }}

),

completed_runs as (

    select distinct as_of
    from {{ source('execution_history', 'run_log') }}
    where status = 'success' and is_complete

),

suppressed as (

    select distinct {{ normalize_email('events.email') }} as email
    from {{ source('execution', 'send_events') }} as events
    cross join clock
    where
        events.event_at <= clock.known_at
        and (
            events.event_type in {{ sql_list(var('suppressing_event_types')) }}
            or (events.event_type = 'bounced' and events.bounce_type in {{ sql_list(var('suppressing_bounce_types')) }})
        )

),

excluded as (

    select distinct exclusions.outreach_id
    from {{ source('outreach', 'outreach_excluded') }} as exclusions
    cross join clock
    where exclusions.excluded_at is null or exclusions.excluded_at <= clock.read_at

),

switched_off as (

    select distinct overrides.outreach_id
    from {{ source('outreach', 'manual_overrides') }} as overrides
    cross join clock
    where
        overrides.is_active is distinct from false
        and overrides.override_type in {{ sql_list(var('blocking_override_types')) }}
        and (overrides.created_at is null or overrides.created_at <= clock.read_at)
        and (overrides.expires_at is null or overrides.expires_at > clock.read_at)

),

final as (

    select
        queue.message_id,
        queue.outreach_id,
        queue.queued_at,
        clock.read_at as checked_at,
        case
            when queue.queued_at > clock.read_at then 'QUEUED_LATER'
            when queue.queued_at not in (select completed_runs.as_of from completed_runs) then 'RUN_NOT_COMPLETE'
            when queue.queued_at <= clock.read_at - {{ var('send_window_hours') }} * interval '1 hour'
                then 'SEND_WINDOW_PASSED'
            when {{ normalize_email('queue.email_to') }} in (select suppressed.email from suppressed) then 'SUPPRESSED'
            when queue.outreach_id in (select excluded.outreach_id from excluded) then 'EXCLUDED'
            when queue.outreach_id in (select switched_off.outreach_id from switched_off) then 'KILL_SWITCH'
            when not coalesce(queue.proof_valid_until > clock.read_at, false) then 'PROOF_EXPIRED'
        end as hold_reason
    from queue
    cross join clock
    where queue.message_id not in (select attempts.message_id from attempts)

)

select * from final
