{#- How many companies sit in each BIT band at as_of, and how many of them a cap held down. -#}
with

bands as (

    select
        band,
        cap
    from {{ ref('int_company_bands_scored') }}

),

thresholds as (

    select
        band,
        band_name
    from {{ ref('band_thresholds') }}

),

final as (

    select
        thresholds.band,
        thresholds.band_name,
        count(bands.band) as companies,
        count(bands.band) filter (where bands.cap != 'NONE') as capped_companies
    from thresholds
    left join bands
        on thresholds.band = bands.band
    group by thresholds.band, thresholds.band_name

)

select * from final
