{#-
    Fails when this run's funnel does not add up: companies entering must equal the
    companies removed at every gate plus the companies queued, the entering and queued
    companies must equal the decision log's, and every decision reason other than QUEUED
    must be one of the funnel's gates (a new gate missing from the `decision_gates` var
    would otherwise vanish from the funnel). It reads this run's rows (as_of) only, through
    the log's index: earlier runs were checked when they were logged, and their funnels
    never change (rpt_decision_funnel is incremental).
-#}
with

funnel as (

    select
        decided_at,
        gate_order,
        companies_entering,
        companies_removed,
        companies_queued
    from {{ ref('rpt_decision_funnel') }}
    where decided_at = {{ as_of() }}

),

decisions as (

    select
        decided_at,
        decision_reason
    from {{ ref('decision_log') }}
    where decided_at = {{ as_of() }}

),

funnel_runs as (

    select
        decided_at,
        sum(companies_entering) filter (where gate_order = 1) as companies_entering,
        sum(companies_removed) as companies_removed,
        sum(companies_queued) filter (where gate_order = 1) as companies_queued
    from funnel
    group by decided_at

),

logged_runs as (

    select
        decided_at,
        count(*) as companies_decided,
        count(*) filter (where decision_reason = 'QUEUED') as companies_queued,
        count(*) filter (
            where decision_reason not in {{ sql_list(var('decision_gates') | list + ['QUEUED']) }}
        ) as companies_with_unknown_reason
    from decisions
    group by decided_at

),

final as (

    select
        coalesce(funnel_runs.decided_at, logged_runs.decided_at) as decided_at,
        funnel_runs.companies_entering,
        funnel_runs.companies_removed,
        funnel_runs.companies_queued,
        logged_runs.companies_decided,
        logged_runs.companies_queued as companies_queued_in_log,
        logged_runs.companies_with_unknown_reason
    from funnel_runs
    full outer join logged_runs
        on funnel_runs.decided_at = logged_runs.decided_at

)

select * from final
where
    companies_entering is null
    or companies_decided is null
    or companies_entering != companies_removed + companies_queued
    or companies_entering != companies_decided
    or companies_queued != companies_queued_in_log
    or companies_with_unknown_reason > 0
