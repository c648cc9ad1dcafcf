{#- Invariant: every queued message belongs to a company at or above the contact band (min_contact_band), with its true band. -#}
with

messages as (

    select
        message_id,
        outreach_id,
        band
    from {{ ref('int_messages_rendered') }}

),

bands as (

    select
        outreach_id,
        band
    from {{ ref('int_company_bands_scored') }}

)

select
    messages.message_id,
    messages.band as queued_band,
    bands.band as actual_band
from messages
left join bands
    on messages.outreach_id = bands.outreach_id
where
    bands.band is null
    or bands.band < {{ var('min_contact_band') }}
    or messages.band != bands.band
