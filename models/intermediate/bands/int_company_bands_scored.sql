{#-
    The BIT band of every company of the spine at as_of (RULES.md §2): domain sums, the
    BIT score over active domains, the raw band, the caps that apply, the final band and
    the cap that bound it, and the primary pressure class with its signal.
-#}
with

companies as (

    select outreach_id
    from {{ ref('stg_outreach__companies') }}
    where is_valid

),

domain_signals as (

    select * from {{ ref('int_domain_signals_aggregated') }}

),

thresholds as (

    select
        band,
        band_name,
        min_score
    from {{ ref('band_thresholds') }}

),

caps as (

    select
        cap,
        max_band
    from {{ ref('band_caps') }}

),

company_domains as (

    select
        companies.outreach_id,
        {%- for domain in ['DOL', 'PEOPLE', 'BLOG'] %}
            coalesce(max(domain_signals.domain_sum) filter (where domain_signals.signal_domain = '{{ domain }}'), 0)
                as {{ domain | lower }}_sum,
            coalesce(bool_or(domain_signals.is_domain_active) filter (where domain_signals.signal_domain = '{{ domain }}'), false)
                as is_{{ domain | lower }}_active,
        {%- endfor %}
        least(
            floor(coalesce(sum(domain_signals.weight * domain_signals.domain_sum) filter (where domain_signals.is_domain_active), 0)),
            {{ var('bit_score_cap') }}
        ) as bit_score
    from companies
    left join domain_signals
        on companies.outreach_id = domain_signals.outreach_id
    group by companies.outreach_id

),

raw_bands as (

    select
        company_domains.*,
        (
            select max(thresholds.band)
            from thresholds
            where thresholds.min_score <= company_domains.bit_score
        ) as raw_band
    from company_domains

),

applying_caps as (

    select
        raw_bands.outreach_id,
        caps.cap,
        caps.max_band,
        row_number() over (partition by raw_bands.outreach_id order by caps.max_band) as cap_rank
    from raw_bands
    inner join caps
        on
            (caps.cap = 'BLOG_ALONE' and raw_bands.is_blog_active and not raw_bands.is_dol_active and not raw_bands.is_people_active)
            or (caps.cap = 'NO_DOL' and not raw_bands.is_dol_active)
            or (caps.cap = 'NO_PEOPLE' and not raw_bands.is_people_active)
            or (caps.cap = 'NO_BLOG' and not raw_bands.is_blog_active)

),

primary_signals as (

    select
        outreach_id,
        strongest_signal_id as primary_signal_id,
        strongest_pressure_class as primary_class,
        signal_domain as primary_domain,
        row_number() over (
            partition by outreach_id
            order by
                strongest_magnitude desc,
                tie_rank asc,
                strongest_detected_at desc,
                cast(strongest_signal_id as text) collate "C"
        ) as primary_rank
    from domain_signals
    where
        sets_primary_class
        and is_domain_active
        and strongest_signal_id is not null

),

banded as (

    select
        raw_bands.*,
        binding_cap.cap as lowest_cap,
        binding_cap.max_band as lowest_cap_band,
        least(raw_bands.raw_band, coalesce(binding_cap.max_band, raw_bands.raw_band)) as band
    from raw_bands
    left join applying_caps as binding_cap
        on
            raw_bands.outreach_id = binding_cap.outreach_id
            and binding_cap.cap_rank = 1

),

final as (

    select
        banded.outreach_id,
        banded.dol_sum,
        banded.people_sum,
        banded.blog_sum,
        banded.is_dol_active,
        banded.is_people_active,
        banded.is_blog_active,
        cast(banded.bit_score as integer) as bit_score,
        banded.raw_band,
        banded.band,
        thresholds.band_name,
        case
            when banded.lowest_cap_band < banded.raw_band then banded.lowest_cap
            else 'NONE'
        end as cap,
        primary_signals.primary_class,
        primary_signals.primary_domain,
        primary_signals.primary_signal_id
    from banded
    inner join thresholds
        on banded.band = thresholds.band
    left join primary_signals
        on
            banded.outreach_id = primary_signals.outreach_id
            and primary_signals.primary_rank = 1

)

select * from final
