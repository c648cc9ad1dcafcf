{#-
    Every run of the project (each `dbt build` or `dbt run`, the production command's and
    the demo's included) as the run log records it: when, at which as_of, whether it
    completed, and what it decided, queued and quarantined. A view: it shows the log as it
    is when read, a run still going included. The reporting marts carry the run_id of the
    run they show, to join here.
-#}
{{ config(materialized='view') }}

with

runs as (

    select
        run_id,
        command,
        target_name,
        as_of,
        started_at,
        finished_at,
        status,
        is_complete,
        models_built,
        detail,
        daily_queue_limit,
        companies_decided,
        messages_queued,
        rows_quarantined
    from {{ source('execution_history', 'run_log') }}

)

select * from runs
