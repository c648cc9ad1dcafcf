{#-
    How many companies sit in each BIT band at as_of, and how many of them a cap held down:
    one row per band per run (incremental: a run's rows, keyed by its as_of, replace nothing
    of another run's).
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

-- the run writing this mart (its row in the run log); the checkpoint holds it back
select
    {{ run_columns() }},
    final.*
from final
