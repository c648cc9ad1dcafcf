{#- The latest run's decisions: "why was company X (not) contacted?" is one query here. -#}
{{ config(materialized='view') }}

with

decisions as (

    select * from {{ ref('decision_log') }}

),

latest_run as (

    select max(decided_at) as decided_at
    from decisions

),

final as (

    select decisions.*
    from decisions
    inner join latest_run
        on decisions.decided_at = latest_run.decided_at

)

select * from final
