{#-
    Invariant: every queued message carries a proof line in its band's format, valid after
    as_of, citing the domains its band requires (band 4: DOL and PEOPLE; band 5: all three
    and a decision window), in the company's primary pressure class. Every cited signal is
    the company's own (docs/rulebook.md §3: never copied from another company), active at
    as_of, and its evidence is the proof's evidence for the signal's domain and is quoted in
    the proof line (never invented, never moved to another domain).
-#}
with

messages as (

    select
        message_id,
        outreach_id,
        band,
        pressure_class,
        proof_line,
        proof_sources,
        proof_evidence,
        cited_signal_ids,
        proof_valid_until,
        decision_window_days,
        queued_at
    from {{ ref('int_messages_rendered') }}

),

signals as (

    select
        signal_id,
        outreach_id,
        signal_domain,
        evidence,
        is_active
    from {{ ref('int_signals_unioned') }}

),

bands as (

    select
        outreach_id,
        primary_class
    from {{ ref('int_company_bands_scored') }}

),

cited as (

    select
        messages.message_id,
        messages.outreach_id,
        messages.proof_line,
        messages.proof_evidence,
        cited_ids.signal_id
    from messages
    cross join lateral unnest(messages.cited_signal_ids) as cited_ids (signal_id)

),

bad_citations as (

    select cited.message_id
    from cited
    left join signals
        on cited.signal_id = signals.signal_id
    where
        not coalesce(signals.is_active, false)
        or signals.outreach_id is distinct from cited.outreach_id
        or coalesce(strpos(cited.proof_line, signals.evidence), 0) = 0
        or (cited.proof_evidence ->> signals.signal_domain) is distinct from signals.evidence

)

select
    messages.message_id,
    messages.band,
    messages.proof_line
from messages
left join bands
    on messages.outreach_id = bands.outreach_id
where
    not coalesce({{ proof_line_matches_band('band', 'pressure_class', 'proof_line', 'decision_window_days') }}, false)
    or not coalesce({{ proof_sources_match_band('band', 'proof_sources') }}, false)
    or not coalesce(messages.proof_valid_until > messages.queued_at, false)
    or (messages.band = 5 and messages.decision_window_days is null)
    or coalesce(cardinality(messages.cited_signal_ids), 0) = 0
    or messages.pressure_class is distinct from bands.primary_class
    or messages.message_id in (select bad_citations.message_id from bad_citations)
