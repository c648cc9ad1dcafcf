{#-
    Messages this project queued in earlier runs (queued_at before as_of), read back from
    its own append-only execution.send_queue through the source of that name (a ref would
    be a cycle; macros/queue_history.sql). Cool-downs, touch caps, the daily limit and
    ALREADY_QUEUED are judged on it.
-#}
-- The daily-limit invariant (tests/authorization/) also reads the decision log back
-- (source execution_history.decision_log). dbt build lets a failing test hold back only
-- nodes downstream of everything the test reads, and the run's checkpoint (int_run_checked)
-- descends from this model, so the dependency is declared here:
-- depends_on: {{ source('execution_history', 'decision_log') }}
with

history as (

    {{ queue_history(['message_id', 'outreach_id', 'pressure_class', 'queued_at']) }}

),

final as (

    select
        message_id,
        outreach_id,
        pressure_class,
        queued_at
    from history

)

select * from final
