{#-
    The BIT band of every company of the spine at as_of (docs/rulebook.md §2): domain sums,
    the BIT score over active domains, the raw band, the caps that apply, the final band and
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

-- The raw band is the highest band whose min_score the score reaches. As score ranges
-- (each floor up to the next), it is one range join per company rather than a subquery
-- over the thresholds wherever the band is read.
score_ranges as (

    select
        min_score,
        lead(min_score) over (order by min_score) as next_min_score,
        max(band) over (order by min_score) as raw_band
    from (
        select
            min_score,
            max(band) as band
        from thresholds
        group by min_score
    ) as floors

),

raw_bands as (

    select
        company_domains.*,
        score_ranges.raw_band
    from company_domains
    left join score_ranges
        on
            company_domains.bit_score >= score_ranges.min_score
            and (score_ranges.next_min_score is null or company_domains.bit_score < score_ranges.next_min_score)

),

-- Which caps apply depends only on which of the three domains are active, so the cap that
-- binds is decided once for each of the eight patterns, not once per company.
activity_patterns as (

    select
        dol.is_dol_active,
        people.is_people_active,
        blog.is_blog_active
    from (values (true), (false)) as dol (is_dol_active)
    cross join (values (true), (false)) as people (is_people_active)
    cross join (values (true), (false)) as blog (is_blog_active)

),

applying_caps as (

    select
        patterns.is_dol_active,
        patterns.is_people_active,
        patterns.is_blog_active,
        caps.cap,
        caps.max_band,
        row_number() over (
            partition by patterns.is_dol_active, patterns.is_people_active, patterns.is_blog_active
            order by caps.max_band, caps.cap
        ) as cap_rank
    from activity_patterns as patterns
    inner join caps
        on
            (caps.cap = 'BLOG_ALONE' and patterns.is_blog_active and not patterns.is_dol_active and not patterns.is_people_active)
            or (caps.cap = 'NO_DOL' and not patterns.is_dol_active)
            or (caps.cap = 'NO_PEOPLE' and not patterns.is_people_active)
            or (caps.cap = 'NO_BLOG' and not patterns.is_blog_active)

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
            raw_bands.is_dol_active = binding_cap.is_dol_active
            and raw_bands.is_people_active = binding_cap.is_people_active
            and raw_bands.is_blog_active = binding_cap.is_blog_active
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
