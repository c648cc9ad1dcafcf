{#-
    Fails when rpt_bit_coverage does not count every company of the spine exactly once:
    the cells must add up to the spine, the scored cells to the companies with a valid
    legacy score, and the crosstab must be complete (every legacy tier plus NOT_SCORED,
    times every band).
-#}
with

coverage as (

    select
        legacy_score_tier,
        band,
        is_legacy_scored,
        companies,
        legacy_scored_companies,
        spine_companies
    from {{ ref('rpt_bit_coverage') }}

),

spine as (

    select count(*) as companies
    from {{ ref('stg_outreach__companies') }}
    where is_valid

),

bands as (

    select count(*) as bands
    from {{ ref('band_thresholds') }}

),

summed as (

    select
        count(*) as cells,
        sum(companies) as companies,
        sum(companies) filter (where is_legacy_scored) as scored_companies,
        min(legacy_scored_companies) as legacy_scored_companies,
        max(legacy_scored_companies) as legacy_scored_companies_max,
        min(spine_companies) as spine_companies
    from coverage

),

final as (

    select
        summed.*,
        spine.companies as spine_count,
        bands.bands * {{ (var('legacy_tier_min_scores') | length) + 1 }} as expected_cells
    from summed
    cross join spine
    cross join bands

)

select * from final
where
    companies != spine_count
    or spine_companies != spine_count
    or scored_companies != legacy_scored_companies
    or legacy_scored_companies != legacy_scored_companies_max
    or cells != expected_cells
