{#-
    The legacy BIT scorer beside the v2 band, one row per (legacy score tier, v2 band):
    every company of the spine falls in exactly one cell, NOT_SCORED when the legacy
    scorer never scored it. The coverage figures of the seed document (companies with a
    legacy score / companies in the spine) repeat on every row. `agreement` compares the
    score range of the legacy tier with the score range of the v2 band. The legacy score
    is reported only; it never decides anything (docs/rulebook.md §2).
-#}
-- Published after the run's queue and decision log (a reporting mart shows a run that
-- completed them; docs/design_choices.md: a run is one unit):
-- depends_on: {{ ref('int_run_checked') }}
-- depends_on: {{ ref('send_queue') }}
-- depends_on: {{ ref('decision_log') }}

{% set tier_min_scores = var('legacy_tier_min_scores') -%}

with

spine as (

    select outreach_id
    from {{ ref('stg_outreach__companies') }}
    where is_valid

),

bands as (

    select
        outreach_id,
        band
    from {{ ref('int_company_bands_scored') }}

),

legacy_scores as (

    select
        outreach_id,
        legacy_score_tier
    from {{ ref('stg_outreach__bit_scores') }}
    where is_valid

),

band_thresholds as (

    select
        band,
        band_name,
        min_score
    from {{ ref('band_thresholds') }}

),

legacy_tier_list as (

    {% for tier, min_score in tier_min_scores.items() %}
        select
            '{{ tier }}' as legacy_score_tier,
            {{ min_score }} as legacy_tier_min_score
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

legacy_tiers as (

    select
        legacy_score_tier,
        legacy_tier_min_score,
        lead(legacy_tier_min_score) over (order by legacy_tier_min_score) as next_tier_min_score,
        row_number() over (order by legacy_tier_min_score) as legacy_tier_order
    from legacy_tier_list
    union all
    select
        'NOT_SCORED' as legacy_score_tier,
        null as legacy_tier_min_score,
        null as next_tier_min_score,
        0 as legacy_tier_order

),

v2_bands as (

    select
        band,
        band_name,
        min_score as band_min_score,
        lead(min_score) over (order by band) as next_band_min_score
    from band_thresholds

),

companies as (

    select
        spine.outreach_id,
        bands.band,
        coalesce(legacy_scores.legacy_score_tier, 'NOT_SCORED') as legacy_score_tier
    from spine
    left join bands
        on spine.outreach_id = bands.outreach_id
    left join legacy_scores
        on spine.outreach_id = legacy_scores.outreach_id

),

cells as (

    select
        legacy_score_tier,
        band,
        count(*) as companies
    from companies
    group by legacy_score_tier, band

),

totals as (

    select
        count(*) as spine_companies,
        count(*) filter (where legacy_score_tier != 'NOT_SCORED') as legacy_scored_companies
    from companies

),

grid as (

    select
        legacy_tiers.legacy_score_tier,
        legacy_tiers.legacy_tier_order,
        legacy_tiers.legacy_tier_min_score,
        v2_bands.band,
        v2_bands.band_name,
        v2_bands.band_min_score,
        coalesce(cells.companies, 0) as companies,
        case
            when legacy_tiers.legacy_score_tier = 'NOT_SCORED' then 'NOT_SCORED'
            when legacy_tiers.next_tier_min_score <= v2_bands.band_min_score then 'LEGACY_LOWER'
            when v2_bands.next_band_min_score <= legacy_tiers.legacy_tier_min_score then 'LEGACY_HIGHER'
            else 'AGREE'
        end as agreement
    from legacy_tiers
    cross join v2_bands
    left join cells
        on
            legacy_tiers.legacy_score_tier = cells.legacy_score_tier
            and v2_bands.band = cells.band

),

with_totals as (

    select
        grid.*,
        sum(grid.companies) over (partition by grid.legacy_score_tier) as legacy_tier_companies,
        sum(grid.companies) over (partition by grid.band) as band_companies,
        totals.spine_companies,
        totals.legacy_scored_companies
    from grid
    cross join totals

),

final as (

    select
        legacy_score_tier,
        legacy_tier_order,
        legacy_tier_min_score,
        legacy_score_tier != 'NOT_SCORED' as is_legacy_scored,
        band,
        band_name,
        band_min_score,
        agreement,
        cast(companies as bigint) as companies,
        cast(legacy_tier_companies as bigint) as legacy_tier_companies,
        cast(band_companies as bigint) as band_companies,
        round(100.0 * companies / nullif(legacy_tier_companies, 0), 1) as share_of_legacy_tier_pct,
        round(100.0 * companies / nullif(band_companies, 0), 1) as share_of_band_pct,
        cast(legacy_scored_companies as bigint) as legacy_scored_companies,
        cast(spine_companies as bigint) as spine_companies,
        round(100.0 * legacy_scored_companies / nullif(spine_companies, 0), 1) as legacy_coverage_pct
    from with_totals

)

-- the run writing this mart (its row in the run log); the checkpoint holds it back
select
    {{ run_columns() }},
    final.*
from final
