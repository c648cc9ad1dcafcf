{#-
    Every company at band 3 or above whose proof was formed has exactly one proof line,
    in its band's format (the seed's, character for character), valid after as_of, citing
    the domains its band requires: band 3 one of DOL or PEOPLE; band 4 DOL and PEOPLE (and
    BLOG only third); band 5 DOL, PEOPLE and BLOG with a decision window. Returns offenders.
-#}
with

proofs as (

    select
        outreach_id,
        band,
        pressure_class,
        proof_line,
        proof_sources,
        generated_at,
        valid_until,
        decision_window_days
    from {{ ref('int_proof_lines_formed') }}
    where is_proof_formed

),

checked as (

    select
        outreach_id,
        band,
        proof_line,
        {{ proof_line_matches_band('band', 'pressure_class', 'proof_line', 'decision_window_days') }} as is_format_ok,
        {{ proof_sources_match_band('band', 'proof_sources') }} as are_sources_ok,
        valid_until > generated_at as is_valid_after_as_of,
        band != 5 or decision_window_days >= 0 as is_window_ok
    from proofs

),

duplicated as (

    select outreach_id
    from proofs
    group by outreach_id
    having count(*) > 1

),

final as (

    select
        checked.outreach_id,
        checked.band,
        checked.proof_line,
        checked.is_format_ok,
        checked.are_sources_ok,
        checked.is_valid_after_as_of,
        checked.is_window_ok,
        duplicated.outreach_id is not null as is_duplicated
    from checked
    left join duplicated
        on checked.outreach_id = duplicated.outreach_id
    where
        not coalesce(checked.is_format_ok, false)
        or not coalesce(checked.are_sources_ok, false)
        or not coalesce(checked.is_valid_after_as_of, false)
        or not coalesce(checked.is_window_ok, false)
        or duplicated.outreach_id is not null

)

select * from final
