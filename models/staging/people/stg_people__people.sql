{#-
    People keyed by Barton ID. A duplicated unique_id is a bad row in every copy (which
    person is real is unknown, so none exists). Contact problems do not make the person a
    bad row: an email that is missing, malformed or not normalised, or a missing first name
    (NOT NULL upstream, but the templates greet by it), is flagged in `contact_issue` and
    stops that person's message at EMAIL_NOT_READY.
-#}
with

source as (

    select * from {{ source('people', 'people_master') }}

),

-- Everything costly is computed here, once per row: a query with a window function is
-- never merged into the query that reads it, so the CTEs below read these results as
-- plain columns. (Above this point PostgreSQL would copy an expression into every place
-- a later CTE names it: the email pattern would run twice per row.)
renamed as (

    select
        unique_id as person_unique_id,
        {{ trim_whitespace('unique_id') }} is null as is_unique_id_blank,
        {{ trim_whitespace('first_name') }} as first_name,
        {{ trim_whitespace('last_name') }} as last_name,
        {{ trim_whitespace('full_name') }} as full_name,
        {{ trim_whitespace('title') }} as title,
        email as email_raw,
        {{ normalize_email('email') }} as email,
        coalesce({{ normalize_email('email') }} ~ '{{ var("email_pattern") }}', false) as has_valid_email_format,
        email_verified as is_email_verified,
        outreach_ready as is_outreach_ready,
        email_verified_at,
        linkedin_url,
        created_at,
        updated_at,
        -- copies of the same unique_id; a blank id is flagged before this is read
        count(*) over (partition by unique_id) as copies
    from source

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("is_unique_id_blank", "NULL_UNIQUE_ID"),
            ("copies > 1", "DUPLICATE_UNIQUE_ID"),
        ]) }} as invalid_reason,
        {{ quarantine_reason([
            ("email is null", "MISSING_EMAIL"),
            ("not has_valid_email_format", "MALFORMED_EMAIL"),
            ("first_name is null", "MISSING_FIRST_NAME"),
            ("email_raw != email", "UNNORMALIZED_EMAIL"),
        ]) }} as contact_issue
    from renamed

),

final as (

    select
        person_unique_id,
        first_name,
        last_name,
        full_name,
        title,
        email,
        contact_issue,
        has_valid_email_format,
        coalesce(is_email_verified, false) as is_email_verified,
        coalesce(is_outreach_ready, false) as is_outreach_ready,
        case
            when is_outreach_ready then 'VALID'
            when is_email_verified then 'RISKY'
            else 'INVALID'
        end as email_status,
        email_verified_at,
        linkedin_url,
        created_at,
        updated_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
