with

source as (

    select * from {{ source('outreach', 'bit_scores') }}

),

renamed as (

    select
        outreach_id,
        score as legacy_score,
        score_tier as legacy_score_tier,
        signal_count,
        dol_score,
        people_score,
        blog_score,
        talent_flow_score,
        last_signal_at,
        last_scored_at,
        count(*) over (partition by outreach_id) as copies
    from source

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("outreach_id is null", "NULL_OUTREACH_ID"),
            ("copies > 1", "DUPLICATE_OUTREACH_ID"),
            ("legacy_score is null", "NULL_SCORE"),
            ("legacy_score not between " ~ var('legacy_score_min') ~ " and " ~ var('legacy_score_max'), "SCORE_OUT_OF_RANGE"),
            ("legacy_score_tier is null or legacy_score_tier not in " ~ sql_list(var('score_tiers')), "UNKNOWN_SCORE_TIER"),
        ]) }} as invalid_reason
    from renamed

),

final as (

    select
        outreach_id,
        legacy_score,
        legacy_score_tier,
        signal_count,
        dol_score,
        people_score,
        blog_score,
        talent_flow_score,
        last_signal_at,
        last_scored_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
