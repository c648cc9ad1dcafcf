{#-
    The suppression list (docs/rulebook.md §5, gate 7): every address with a hard bounce, a
    complaint or an unsubscribe at or before as_of. Suppression never expires. Addresses are
    compared lowercased and trimmed (normalised in staging). An event whose only defect is
    its own id (missing or repeated) still suppresses (`has_valid_content`): losing an
    unsubscribe is worse than counting one twice.
-#}
with

events as (

    select
        email,
        event_type,
        bounce_type,
        event_at
    from {{ ref('stg_execution__send_events') }}
    where
        has_valid_content
        and email is not null
        and event_at <= {{ as_of() }}

),

suppressing as (

    select
        email,
        event_at,
        case
            when event_type = 'bounced' then 'hard_bounce'
            else event_type
        end as suppression_reason
    from events
    where
        event_type in {{ sql_list(var('suppressing_event_types')) }}
        or (event_type = 'bounced' and bounce_type in {{ sql_list(var('suppressing_bounce_types')) }})

),

final as (

    select
        email,
        min(event_at) as first_suppressed_at,
        string_agg(distinct suppression_reason, ',' order by suppression_reason) as suppression_reasons,
        count(*) as suppressing_events
    from suppressing
    group by email

)

select * from final
