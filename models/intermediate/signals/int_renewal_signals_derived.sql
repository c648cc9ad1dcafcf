{#-
    The renewal bridge (docs/rulebook.md §1): a company's current Form 5500 filing says when
    its benefits renew; the nearer the renewal, the stronger the DEADLINE_PROXIMITY signal.
    The current filing is the latest valid one dated at or before as_of.
-#}
with

filings as (

    select
        dol_id,
        outreach_id,
        renewal_month,
        created_at
    from {{ ref('stg_outreach__dol_filings') }}
    where
        is_valid
        and created_at <= {{ as_of() }}

),

magnitudes as (

    select
        min_days,
        max_days,
        magnitude
    from {{ ref('renewal_magnitudes') }}

),

current_filings as (

    select
        outreach_id,
        renewal_month,
        row_number() over (
            partition by outreach_id
            order by created_at desc, cast(dol_id as text) collate "C" desc
        ) as filing_rank
    from filings

),

renewals as (

    select
        outreach_id,
        {{ next_month_start(utc_date(as_of()), 'renewal_month') }} as renewal_date
    from current_filings
    where filing_rank = 1

),

timed as (

    select
        outreach_id,
        renewal_date,
        renewal_date - {{ utc_date(as_of()) }} as days_until_renewal
    from renewals

),

final as (

    select
        {{ deterministic_uuid("'renewal:' || cast(timed.outreach_id as text) || ':' || to_char(timed.renewal_date, 'YYYY-MM-DD')") }}
            as signal_id,
        timed.outreach_id,
        'DOL' as signal_domain,
        '{{ var("renewal_signal_type") }}' as signal_type,
        '{{ var("renewal_pressure_class") }}' as pressure_class,
        magnitudes.magnitude,
        'renewal in ' || timed.days_until_renewal || ' days' as evidence,
        {{ as_of() }} as detected_at,
        {{ utc_midnight('timed.renewal_date + ' ~ var('renewal_expiry_days_after_renewal')) }} as expires_at,
        timed.renewal_date
    from timed
    inner join magnitudes
        on timed.days_until_renewal between magnitudes.min_days and magnitudes.max_days

)

select * from final
