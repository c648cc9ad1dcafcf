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
        ]) }} as invalid_reason
    from renamed

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
    from flagged

)

select * from final
