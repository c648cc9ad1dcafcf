{#-
    The Execution Hub's feed must be current before anything is queued: unsubscribes,
    complaints and hard bounces reach suppression only through execution.send_events, and
    CAN-SPAM gives an opt-out 10 business days. When the latest event at or before as_of
    is older than as_of minus `send_events_max_age_hours`, this test returns a row and
    fails; send_queue and decision_log read stg_execution__send_events (through the
    suppression list and the gates), so dbt build skips them and the queue is untouched.

    The feed's own clock is event_at (the contract has no load timestamp). An empty feed
    passes: on the very first run the hub has nothing to report. A var of null switches
    the guard off. `dbt source freshness` checks the same threshold before the build.
-#}
{%- set max_age_hours = var('send_events_max_age_hours', none) -%}

with

events as (

    select event_at
    from {{ ref('stg_execution__send_events') }}
    where event_at <= {{ as_of() }}

),

feed as (

    select
        max(event_at) as latest_event_at,
        count(*) as event_count
    from events

),

final as (

    select
        latest_event_at,
        event_count,
        {{ as_of() }} as as_of_at,
        {{ max_age_hours if max_age_hours is not none else 'null' }} as max_age_hours
    from feed
    {% if max_age_hours is none -%}
        where false
    {%- else -%}
        where latest_event_at < {{ as_of() }} - {{ max_age_hours }} * interval '1 hour'
    {%- endif %}

)

select * from final
