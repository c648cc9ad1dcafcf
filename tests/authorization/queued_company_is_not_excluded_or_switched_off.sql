{#-
    Invariant: no queued company is excluded, lacks a PASS identity, or has an active
    blocking kill switch at as_of — judged straight from staging.
-#}
with

messages as (

    select
        message_id,
        outreach_id
    from {{ ref('int_messages_rendered') }}

),

companies as (

    select
        outreach_id,
        sovereign_id
    from {{ ref('stg_outreach__companies') }}
    where is_valid

),

identities as (

    select
        company_unique_id,
        identity_status
    from {{ ref('stg_cl__company_identities') }}
    where is_valid

),

excluded as (

    select outreach_id
    from {{ ref('stg_outreach__exclusions') }}
    where
        is_valid
        and (excluded_at is null or excluded_at <= {{ as_of() }})

),

switched_off as (

    select outreach_id
    from {{ ref('stg_outreach__manual_overrides') }}
    where
        is_valid
        and is_active
        and override_type in {{ sql_list(var('blocking_override_types')) }}
        and (created_at is null or created_at <= {{ as_of() }})
        and (expires_at is null or expires_at > {{ as_of() }})

)

select messages.message_id
from messages
left join companies
    on messages.outreach_id = companies.outreach_id
left join identities
    on companies.sovereign_id = identities.company_unique_id
where
    companies.outreach_id is null
    or coalesce(identities.identity_status, '') != 'PASS'
    or messages.outreach_id in (select excluded.outreach_id from excluded)
    or messages.outreach_id in (select switched_off.outreach_id from switched_off)
