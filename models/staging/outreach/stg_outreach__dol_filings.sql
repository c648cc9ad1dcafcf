{#-
    Form 5500 facts, one row per filing. A dol_id delivered more than once keeps one copy:
    among the copies that pass every other check and exist at as_of, the latest (by
    created_at, then updated_at) is kept and the others are flagged DUPLICATE_DOL_ID. The
    kept copy is the one the current-filing rule (docs/rulebook.md §1) would read anyway.
-#}
with

source as (

    select * from {{ source('outreach', 'dol') }}

),

spine as (

    {{ spine_outreach_ids() }}

),

renamed as (

    select
        source.dol_id,
        source.outreach_id,
        {{ trim_whitespace('source.ein') }} as ein,
        source.filing_present,
        source.funding_type,
        {{ trim_whitespace('source.broker_or_advisor') }} as broker_or_advisor,
        {{ trim_whitespace('source.carrier') }} as carrier,
        source.renewal_month,
        source.outreach_start_month,
        source.created_at,
        source.updated_at,
        spine.outreach_id is not null as is_known_company
    from source
    left join spine
        on source.outreach_id = spine.outreach_id

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("dol_id is null", "NULL_DOL_ID"),
            ("outreach_id is null", "NULL_OUTREACH_ID"),
            ("not is_known_company", "ORPHAN_OUTREACH_ID"),
            ("created_at is null", "NULL_CREATED_AT"),
            ("renewal_month is null", "NULL_RENEWAL_MONTH"),
            ("renewal_month not between " ~ var('renewal_month_min') ~ " and " ~ var('renewal_month_max'), "RENEWAL_MONTH_OUT_OF_RANGE"),
        ]) }} as row_reason
    from renamed

),

deduplicated as (

    {{ flag_duplicate_copies(
        'flagged', 'dol_id', 'created_at',
        'created_at desc, updated_at desc nulls last, renewal_month asc', 'DUPLICATE_DOL_ID'
    ) }}

),

final as (

    select
        dol_id,
        outreach_id,
        ein,
        filing_present,
        funding_type,
        broker_or_advisor,
        carrier,
        renewal_month,
        outreach_start_month,
        created_at,
        updated_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from deduplicated

)

select * from final
