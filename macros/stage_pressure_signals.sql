{#-
    Staging for one of the three `<hub>.pressure_signals` tables, which share their columns.
    Renames nothing (the hubs already use the business names), trims the evidence phrase,
    names the domain (DOL, PEOPLE, BLOG) and flags every row that breaks the contract with
    the first reason that applies. An `infinity` expiry is "never expires", which
    docs/rulebook.md §9 makes a bad row when it is spelled NULL (and a band-5 decision
    window counted to it would stop the build): NON_FINITE_TIMESTAMP, like an infinite
    detected_at.

    A signal id delivered more than once counts once (docs/rulebook.md §1, §9): among the
    copies that pass every other check and exist at as_of, the one with the latest
    created_at, then the greatest magnitude, is kept and the others are flagged
    DUPLICATE_SIGNAL_ID, so rpt_data_quality counts them. int_signals_unioned applies the
    same order across the three hubs and the bridges.
-#}
{% macro stage_pressure_signals(hub, domain) -%}
{%- set expected_domain = var('signal_domains')[hub] -%}
with

source as (

    select * from {{ source(hub, 'pressure_signals') }}

),

spine as (

    {{ spine_outreach_ids() }}

),

renamed as (

    select
        source.signal_id,
        source.outreach_id,
        '{{ domain }}' as signal_domain,
        {{ trim_whitespace('source.signal_type') }} as signal_type,
        source.pressure_domain,
        source.pressure_class,
        {{ trim_whitespace(json_string('source.signal_value', 'evidence')) }} as evidence,
        source.signal_value,
        source.magnitude,
        source.detected_at,
        source.expires_at,
        source.source_record_id,
        source.created_at,
        spine.outreach_id is not null as is_known_company
    from source
    left join spine
        on source.outreach_id = spine.outreach_id

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("signal_id is null", "NULL_SIGNAL_ID"),
            ("outreach_id is null", "NULL_OUTREACH_ID"),
            ("not is_known_company", "ORPHAN_OUTREACH_ID"),
            ("pressure_domain is null or pressure_domain != '" ~ expected_domain ~ "'", "WRONG_PRESSURE_DOMAIN"),
            ("pressure_class not in " ~ sql_list(var('pressure_classes')), "UNKNOWN_PRESSURE_CLASS"),
            ("magnitude is null", "NULL_MAGNITUDE"),
            ("magnitude not between " ~ var('magnitude_min') ~ " and " ~ var('magnitude_max'), "MAGNITUDE_OUT_OF_RANGE"),
            ("detected_at is null", "NULL_DETECTED_AT"),
            ("expires_at is null", "NULL_EXPIRES_AT"),
            ("not (isfinite(detected_at) and isfinite(expires_at))", "NON_FINITE_TIMESTAMP"),
            ("expires_at <= detected_at", "EXPIRES_NOT_AFTER_DETECTED"),
            ("evidence is null", "MISSING_EVIDENCE"),
            ("char_length(evidence) > " ~ var('evidence_max_chars'), "EVIDENCE_TOO_LONG"),
        ]) }} as row_reason
    from renamed

),

deduplicated as (

    {{ flag_duplicate_copies(
        'flagged', 'signal_id', 'detected_at', signal_copy_order(), 'DUPLICATE_SIGNAL_ID'
    ) }}

),

final as (

    select
        signal_id,
        outreach_id,
        signal_domain,
        signal_type,
        pressure_domain,
        pressure_class,
        evidence,
        signal_value,
        magnitude,
        detected_at,
        expires_at,
        source_record_id,
        created_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from deduplicated

)

select * from final
{%- endmacro %}
