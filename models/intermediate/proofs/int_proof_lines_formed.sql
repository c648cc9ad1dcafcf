{#-
    The proof line of every company at band 3 or above (docs/rulebook.md §3), with its
    machine-readable twin. Band 3 cites the primary signal; bands 4 and 5 cite the
    strongest proof-grade signal of DOL, then PEOPLE, then BLOG (BLOG at band 4 only when
    active). When a required citation is missing the proof cannot be formed: the row stays,
    with is_proof_formed false and no line, so the company stops at NO_VALID_PROOF.
-#}
with

bands as (

    select
        outreach_id,
        band,
        band_name,
        primary_class,
        primary_domain,
        primary_signal_id
    from {{ ref('int_company_bands_scored') }}
    where band >= {{ var('min_contact_band') }}

),

evidence as (

    select
        outreach_id,
        signal_domain,
        tie_rank,
        is_domain_active,
        strongest_signal_id,
        strongest_evidence,
        strongest_expires_at,
        strongest_signal_origin,
        strongest_renewal_date
    from {{ ref('int_domain_signals_aggregated') }}
    where strongest_signal_id is not null

),

citations as (

    select
        bands.outreach_id,
        1 as citation_order,
        evidence.signal_domain,
        evidence.strongest_signal_id as signal_id,
        evidence.strongest_evidence as evidence,
        evidence.strongest_expires_at as expires_at,
        evidence.strongest_signal_origin as signal_origin,
        evidence.strongest_renewal_date as renewal_date
    from bands
    inner join evidence
        on
            bands.outreach_id = evidence.outreach_id
            and bands.primary_signal_id = evidence.strongest_signal_id
    where bands.band = 3
    union all
    select
        bands.outreach_id,
        evidence.tie_rank as citation_order,
        evidence.signal_domain,
        evidence.strongest_signal_id as signal_id,
        evidence.strongest_evidence as evidence,
        evidence.strongest_expires_at as expires_at,
        evidence.strongest_signal_origin as signal_origin,
        evidence.strongest_renewal_date as renewal_date
    from bands
    inner join evidence
        on bands.outreach_id = evidence.outreach_id
    where
        bands.band > 3
        and (evidence.signal_domain != 'BLOG' or evidence.is_domain_active)

),

cited as (

    select
        outreach_id,
        array_agg(signal_domain order by citation_order) as proof_sources,
        array_agg(signal_id order by citation_order) as cited_signal_ids,
        string_agg(cast(signal_id as text), ',' order by cast(signal_id as text) collate "C") as sorted_signal_ids,
        {{ json_object_agg('signal_domain', 'evidence') }} as proof_evidence,
        min(expires_at) as valid_until,
        max(evidence) filter (where citation_order = 1) as first_evidence,
        max(evidence) filter (where signal_domain = 'DOL') as dol_evidence,
        max(evidence) filter (where signal_domain = 'PEOPLE') as people_evidence,
        max(evidence) filter (where signal_domain = 'BLOG') as blog_evidence,
        max(renewal_date) filter (where signal_domain = 'DOL' and signal_origin = 'renewal_bridge') as cited_renewal_date,
        bool_and(expires_at > {{ as_of() }}) as are_all_cited_active
    from citations
    group by outreach_id

),

assessed as (

    select
        bands.outreach_id,
        bands.band,
        bands.band_name,
        bands.primary_class,
        bands.primary_domain,
        cited.proof_sources,
        cited.cited_signal_ids,
        cited.sorted_signal_ids,
        cited.proof_evidence,
        cited.valid_until,
        cited.first_evidence,
        cited.dol_evidence,
        cited.people_evidence,
        cited.blog_evidence,
        cited.cited_renewal_date,
        coalesce(cited.are_all_cited_active, false) as are_all_cited_active,
        case bands.band
            when 3 then cited.outreach_id is not null
            when 4 then cited.dol_evidence is not null and cited.people_evidence is not null
            else cited.dol_evidence is not null and cited.people_evidence is not null and cited.blog_evidence is not null
        end as is_proof_formed
    from bands
    left join cited
        on bands.outreach_id = cited.outreach_id

),

windowed as (

    select
        *,
        case
            when band = 5 and is_proof_formed
                then coalesce(cited_renewal_date, {{ utc_date('valid_until') }}) - {{ utc_date(as_of()) }}
        end as decision_window_days
    from assessed

),

final as (

    select
        outreach_id,
        band,
        band_name,
        primary_class as pressure_class,
        is_proof_formed,
        case
            when is_proof_formed
                then {{ deterministic_uuid(
                    "'proof|' || cast(outreach_id as text) || '|' || band || '|' || primary_class || '|' || sorted_signal_ids"
                ) }}
        end as proof_id,
        case
            when is_proof_formed
                then {{ format_proof_line(
                    'band', 'primary_class', 'primary_domain', 'first_evidence',
                    'dol_evidence', 'people_evidence', 'blog_evidence', 'decision_window_days'
                ) }}
        end as proof_line,
        case when is_proof_formed then proof_sources end as proof_sources,
        case when is_proof_formed then cited_signal_ids end as cited_signal_ids,
        case when is_proof_formed then proof_evidence end as proof_evidence,
        {{ as_of() }} as generated_at,
        case when is_proof_formed then valid_until end as valid_until,
        decision_window_days,
        is_proof_formed and are_all_cited_active and valid_until > {{ as_of() }} as is_valid_at_as_of
    from windowed

)

select * from final
