with

source as (

    select * from {{ source('outreach', 'company_target') }}

),

spine as (

    {{ spine_outreach_ids() }}

),

renamed as (

    select
        source.target_id,
        source.outreach_id,
        source.outreach_status,
        {{ trim_whitespace('source.industry') }} as industry,
        source.employees,
        upper({{ trim_whitespace('source.state') }}) as state,
        {{ trim_whitespace('source.city') }} as city,
        {{ trim_whitespace('source.postal_code') }} as postal_code,
        {{ trim_whitespace('source.email_method') }} as email_method,
        source.is_catchall,
        source.created_at,
        source.updated_at,
        spine.outreach_id is not null as is_known_company,
        count(*) over (partition by source.target_id) as copies
    from source
    left join spine
        on source.outreach_id = spine.outreach_id

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("target_id is null", "NULL_TARGET_ID"),
            ("copies > 1", "DUPLICATE_TARGET_ID"),
            ("outreach_id is null", "NULL_OUTREACH_ID"),
            ("not is_known_company", "ORPHAN_OUTREACH_ID"),
            ("outreach_status not in " ~ sql_list(var('outreach_statuses')), "UNKNOWN_OUTREACH_STATUS"),
            ("employees < 0", "NEGATIVE_EMPLOYEES"),
        ]) }} as invalid_reason
    from renamed

),

final as (

    select
        target_id,
        outreach_id,
        outreach_status,
        industry,
        employees,
        state,
        city,
        postal_code,
        email_method,
        is_catchall,
        created_at,
        updated_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
