{#-
    How many messages the queue received per UTC day, by band and audience, across every run
    so far (a daily chart of the outreach volume against the daily limit), as of this run.
-#}
-- Published after the run's decision log too (a reporting mart shows a run that completed
-- its queue and its log):
-- depends_on: {{ ref('int_run_checked') }}
-- depends_on: {{ ref('decision_log') }}
with

-- the run writing this mart (its row in the run log); the checkpoint holds it back
run as (

    select
        {{ run_columns() }},
        {{ var('daily_queue_limit') }} as daily_queue_limit

),

queue as (

    select
        queued_at,
        band,
        slot_type,
        outreach_id
    from {{ ref('send_queue') }}

),

by_day as (

    select
        {{ utc_date('queue.queued_at') }} as queued_date,
        queue.band,
        queue.slot_type,
        count(*) as messages_queued,
        count(distinct queue.outreach_id) as companies_queued
    from queue
    cross join run
    where queue.queued_at <= run.as_of
    group by {{ utc_date('queue.queued_at') }}, queue.band, queue.slot_type

),

final as (

    select
        by_day.queued_date,
        by_day.band,
        by_day.slot_type,
        by_day.messages_queued,
        by_day.companies_queued,
        run.daily_queue_limit as current_daily_queue_limit
    from by_day
    cross join run

)

select
    run.run_id,
    run.as_of,
    final.*
from final
cross join run
