with

source as (

    select * from {{ source('outreach', 'outreach_excluded') }}

),

final as (

    select
        outreach_id,
        {{ trim_whitespace('exclusion_reason') }} as exclusion_reason,
        excluded_at,
        {{ quarantine_reason([
            ("outreach_id is null", "NULL_OUTREACH_ID"),
        ]) }} as invalid_reason,
        outreach_id is not null as is_valid
    from source

)

select * from final
