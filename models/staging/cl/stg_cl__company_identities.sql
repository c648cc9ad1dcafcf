with

source as (

    select * from {{ source('cl', 'company_identity') }}

),

renamed as (

    select
        company_unique_id,
        company_name,
        lower({{ trim_whitespace('company_domain') }}) as company_domain,
        identity_status,
        count(*) over (partition by company_unique_id) as copies
    from source

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("company_unique_id is null", "NULL_COMPANY_UNIQUE_ID"),
            ("copies > 1", "DUPLICATE_COMPANY_UNIQUE_ID"),
            ("identity_status is null", "NULL_IDENTITY_STATUS"),
            ("identity_status not in " ~ sql_list(var('identity_statuses')), "UNKNOWN_IDENTITY_STATUS"),
            (trim_whitespace('company_name') ~ " is null", "MISSING_COMPANY_NAME"),
        ]) }} as invalid_reason
    from renamed

),

final as (

    select
        company_unique_id,
        company_name,
        company_domain,
        identity_status,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
