{#-
    One row per company and evidence domain that has an active signal at as_of: the domain's
    summed magnitude (capped), whether the domain is active, and its strongest proof-grade
    signal — the active signal with a non-NULL pressure class of the highest magnitude, ties
    to the latest detected_at, then the smallest signal id (docs/rulebook.md §2, §3).
    Context-only signals (NULL class) add to the sum but are never the strongest.
-#}
with

signals as (

    select
        signal_id,
        outreach_id,
        signal_domain,
        pressure_class,
        magnitude,
        evidence,
        detected_at,
        expires_at,
        signal_origin,
        renewal_date
    from {{ ref('int_signals_unioned') }}
    where is_active

),

domains as (

    select
        signal_domain,
        weight,
        domain_cap,
        active_threshold,
        tie_rank,
        sets_primary_class
    from {{ ref('signal_domains') }}

),

sums as (

    select
        outreach_id,
        signal_domain,
        sum(magnitude) as magnitude_sum,
        count(*) as active_signals
    from signals
    group by outreach_id, signal_domain

),

ranked_evidence as (

    select
        signal_id,
        outreach_id,
        signal_domain,
        pressure_class,
        magnitude,
        evidence,
        detected_at,
        expires_at,
        signal_origin,
        renewal_date,
        row_number() over (
            partition by outreach_id, signal_domain
            order by magnitude desc, detected_at desc, cast(signal_id as text) collate "C"
        ) as strength_rank
    from signals
    where pressure_class is not null

),

final as (

    select
        sums.outreach_id,
        sums.signal_domain,
        sums.active_signals,
        least(sums.magnitude_sum, domains.domain_cap) as domain_sum,
        least(sums.magnitude_sum, domains.domain_cap) >= domains.active_threshold as is_domain_active,
        domains.weight,
        domains.tie_rank,
        domains.sets_primary_class,
        strongest.signal_id as strongest_signal_id,
        strongest.pressure_class as strongest_pressure_class,
        strongest.magnitude as strongest_magnitude,
        strongest.evidence as strongest_evidence,
        strongest.detected_at as strongest_detected_at,
        strongest.expires_at as strongest_expires_at,
        strongest.signal_origin as strongest_signal_origin,
        strongest.renewal_date as strongest_renewal_date
    from sums
    inner join domains
        on sums.signal_domain = domains.signal_domain
    left join ranked_evidence as strongest
        on
            sums.outreach_id = strongest.outreach_id
            and sums.signal_domain = strongest.signal_domain
            and strongest.strength_rank = 1

)

select * from final
