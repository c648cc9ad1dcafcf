with

source as (

    select * from {{ source('outreach', 'outreach') }}

),

renamed as (

    select
        outreach_id,
        sovereign_id,
        lower({{ trim_whitespace('domain') }}) as company_domain,
        {{ trim_whitespace('ein') }} as ein,
        has_appointment,
        created_at,
        updated_at,
        row_number() over (
            partition by outreach_id
            order by updated_at desc nulls last, sovereign_id asc
        ) as copy_number
    from source

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("outreach_id is null", "NULL_OUTREACH_ID"),
            ("copy_number > 1", "DUPLICATE_OUTREACH_ID"),
        ]) }} as invalid_reason
    from renamed

),

final as (

    select
        outreach_id,
        sovereign_id,
        company_domain,
        ein,
        has_appointment,
        created_at,
        updated_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
