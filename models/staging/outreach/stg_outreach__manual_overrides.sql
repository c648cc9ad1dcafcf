{#-
    Kill switches. An override whose type is unknown is flagged but kept visible; NULL
    is_active counts as active and a NULL created_at as in force (docs/rulebook.md §9, fail
    closed).
-#}
with

source as (

    select * from {{ source('outreach', 'manual_overrides') }}

),

flagged as (

    select
        override_id,
        outreach_id,
        override_type,
        {{ trim_whitespace('reason') }} as override_reason,
        created_at,
        created_by,
        expires_at,
        coalesce(is_active, true) as is_active,
        {{ quarantine_reason([
            ("outreach_id is null", "NULL_OUTREACH_ID"),
            ("override_type is null or override_type not in " ~ sql_list(var('override_types')), "UNKNOWN_OVERRIDE_TYPE"),
        ]) }} as invalid_reason
    from source

),

final as (

    select
        override_id,
        outreach_id,
        override_type,
        override_reason,
        created_at,
        created_by,
        expires_at,
        is_active,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
