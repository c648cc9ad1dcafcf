{#-
    What happened to the messages this project queued, as the Execution Hub reported it
    in send_events, by band, pressure class, audience and template, cumulative up to as_of.
    A message counts once per stage, however many events of that type it has. A later
    stage implies the earlier ones the Hub may not report: any event but `failed` means the
    message was sent; a delivery, open, click, reply, complaint or unsubscribe means it was
    delivered. Rates are shares of messages sent (delivery, bounce) or delivered (the
    rest); with nothing sent or delivered yet they are NULL, never a division by zero.
    Events about messages that are not in the queue (earlier campaigns) are not counted.
    One set of rows per run (incremental, keyed by as_of): engagement as it stood at each run.
-#}
-- Published after the run's queue and decision log (a reporting mart shows a run that
-- completed them; docs/design_choices.md: a run is one unit):
-- depends_on: {{ ref('int_run_checked') }}
-- depends_on: {{ ref('send_queue') }}
-- depends_on: {{ ref('decision_log') }}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of',
        full_refresh=false,
        on_schema_change='fail',
        pre_hook="{{ lock_for_append(this) }}"
    )
}}

{%- set weights = var('engagement_weights') -%}
{%- if not (weights['replied'] > weights['clicked'] > weights['opened'] > 0) -%}
    {{ exceptions.raise_compiler_error(
        "engagement_weights must keep replied > clicked > opened > 0, got " ~ weights
    ) }}
{%- endif -%}
{%- set weight_total = weights['opened'] + weights['clicked'] + weights['replied'] -%}

with

queue as (

    select
        message_id,
        band,
        band_name,
        pressure_class,
        slot_type,
        template_id,
        template_version
    from {{ ref('send_queue') }}
    where queued_at <= {{ as_of() }}

),

events as (

    select
        message_id,
        event_type
    from {{ ref('stg_execution__send_events') }}
    where
        is_valid
        and message_id is not null
        and event_at <= {{ as_of() }}

),

message_stages as (

    select
        message_id,
        max(case when event_type != 'failed' then 1 else 0 end) as is_sent,
        max(
            case
                when event_type in ('delivered', 'opened', 'clicked', 'replied', 'complained', 'unsubscribed') then 1
                else 0
            end
        ) as is_delivered,
        max(case when event_type = 'opened' then 1 else 0 end) as is_opened,
        max(case when event_type = 'clicked' then 1 else 0 end) as is_clicked,
        max(case when event_type = 'replied' then 1 else 0 end) as is_replied,
        max(case when event_type = 'bounced' then 1 else 0 end) as is_bounced,
        max(case when event_type = 'complained' then 1 else 0 end) as is_complained,
        max(case when event_type = 'unsubscribed' then 1 else 0 end) as is_unsubscribed,
        max(case when event_type = 'failed' then 1 else 0 end) as is_failed
    from events
    group by message_id

),

segments as (

    select
        queue.band,
        queue.band_name,
        queue.pressure_class,
        queue.slot_type,
        queue.template_id,
        queue.template_version,
        count(*) as messages_queued,
        coalesce(sum(message_stages.is_sent), 0) as messages_sent,
        coalesce(sum(message_stages.is_delivered), 0) as messages_delivered,
        coalesce(sum(message_stages.is_opened), 0) as messages_opened,
        coalesce(sum(message_stages.is_clicked), 0) as messages_clicked,
        coalesce(sum(message_stages.is_replied), 0) as messages_replied,
        coalesce(sum(message_stages.is_bounced), 0) as messages_bounced,
        coalesce(sum(message_stages.is_complained), 0) as messages_complained,
        coalesce(sum(message_stages.is_unsubscribed), 0) as messages_unsubscribed,
        coalesce(sum(message_stages.is_failed), 0) as messages_failed
    from queue
    left join message_stages
        on queue.message_id = message_stages.message_id
    group by
        queue.band,
        queue.band_name,
        queue.pressure_class,
        queue.slot_type,
        queue.template_id,
        queue.template_version

),

final as (

    select
        band,
        band_name,
        pressure_class,
        slot_type,
        template_id,
        template_version,
        cast(messages_queued as bigint) as messages_queued,
        cast(messages_sent as bigint) as messages_sent,
        cast(messages_delivered as bigint) as messages_delivered,
        cast(messages_opened as bigint) as messages_opened,
        cast(messages_clicked as bigint) as messages_clicked,
        cast(messages_replied as bigint) as messages_replied,
        cast(messages_bounced as bigint) as messages_bounced,
        cast(messages_complained as bigint) as messages_complained,
        cast(messages_unsubscribed as bigint) as messages_unsubscribed,
        cast(messages_failed as bigint) as messages_failed,
        round(100.0 * messages_delivered / nullif(messages_sent, 0), 2) as delivery_rate_pct,
        round(100.0 * messages_bounced / nullif(messages_sent, 0), 2) as bounce_rate_pct,
        round(100.0 * messages_opened / nullif(messages_delivered, 0), 2) as open_rate_pct,
        round(100.0 * messages_clicked / nullif(messages_delivered, 0), 2) as click_rate_pct,
        round(100.0 * messages_replied / nullif(messages_delivered, 0), 2) as reply_rate_pct,
        round(100.0 * messages_complained / nullif(messages_delivered, 0), 2) as complaint_rate_pct,
        round(100.0 * messages_unsubscribed / nullif(messages_delivered, 0), 2) as unsubscribe_rate_pct,
        round(
            100.0 * (
                {{ weights['opened'] }} * messages_opened
                + {{ weights['clicked'] }} * messages_clicked
                + {{ weights['replied'] }} * messages_replied
            ) / nullif({{ weight_total }} * messages_delivered, 0),
            1
        ) as engagement_score
    from segments

)

-- the run writing this mart (its row in the run log); the checkpoint holds it back
select
    {{ run_columns() }},
    final.*
from final
