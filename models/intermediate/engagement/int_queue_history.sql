{#-
    Messages this project queued in earlier runs (queued_at before as_of), read back from
    execution.send_queue. Cool-downs, touch caps, the daily limit and ALREADY_QUEUED are
    judged on it.
-#}
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
