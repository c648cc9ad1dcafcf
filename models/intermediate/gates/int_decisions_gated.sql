{#-
    One decision per company of the spine at as_of (docs/rulebook.md §5). The gates run in
    the order of the `decision_gates` var, the one list of them (the decision funnel and the
    per-company baseline read it too): each reason code with the flag below that stops a
    company there, the first flag that holds naming the reason. DAILY_LIMIT, the last and
    without a flag, ranks the companies no other gate stopped; otherwise QUEUED. Every
    flag is kept, so "why (not)?" is answerable for every company.
-#}
{%- set gates = var('decision_gates') -%}
{%- set flagged = [] -%}
{%- for code in gates if gates[code] -%}
    {%- do flagged.append(code) -%}
{%- endfor -%}
{%- if (gates | list)[-1] != 'DAILY_LIMIT' or gates['DAILY_LIMIT'] or (flagged | length) != (gates | length) - 1 -%}
    {{ exceptions.raise_compiler_error(
        "var decision_gates must map each reason code to its flag column, in the order the gates run, "
        ~ "and end with DAILY_LIMIT: null (the ranking of the companies no other gate stopped); got " ~ gates
    ) }}
{%- endif %}

with

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
        company_name,
        identity_status
    from {{ ref('stg_cl__company_identities') }}
    where is_valid

),

exclusions as (

    select
        outreach_id,
        min(exclusion_reason) as exclusion_reason
    from {{ ref('stg_outreach__exclusions') }}
    where
        is_valid
        and (excluded_at is null or excluded_at <= {{ as_of() }})
    group by outreach_id

),

kill_switches as (

    select
        outreach_id,
        min(override_type) as override_type
    from {{ ref('stg_outreach__manual_overrides') }}
    where
        is_valid
        and is_active
        and override_type in {{ sql_list(var('blocking_override_types')) }}
        and (created_at is null or created_at <= {{ as_of() }})
        and (expires_at is null or expires_at > {{ as_of() }})
    group by outreach_id

),

bands as (

    select
        outreach_id,
        band,
        band_name,
        cap,
        bit_score,
        primary_class,
        primary_domain
    from {{ ref('int_company_bands_scored') }}

),

proofs as (

    select
        outreach_id,
        is_proof_formed,
        is_valid_at_as_of,
        proof_id,
        proof_line,
        proof_sources,
        cited_signal_ids,
        proof_evidence,
        valid_until,
        decision_window_days
    from {{ ref('int_proof_lines_formed') }}

),

slots as (

    select
        outreach_id,
        chosen_slot,
        person_unique_id
    from {{ ref('int_slots_chosen') }}

),

people as (

    select
        person_unique_id,
        first_name,
        email,
        has_valid_email_format,
        is_outreach_ready
    from {{ ref('stg_people__people') }}
    where is_valid

),

suppressed as (

    select email
    from {{ ref('int_suppressed_emails') }}

),

chosen_persons as (

    select
        outreach_id,
        person_unique_id
    from {{ ref('int_slots_chosen') }}
    where person_unique_id is not null

),

-- The chosen person of each company with a filled slot, and whether the address is
-- suppressed, joined on the person and the address first and then to the companies on
-- outreach_id. A left join from the companies on a key that is NULL for most of them
-- (person_unique_id with no filled slot) can be planned as a hash right join that hashes
-- those NULLs, and PostgreSQL before 18 keeps them in one batch it cannot split: at 10M
-- companies that batch outgrew the machine's memory and the server was killed.
chosen_people as (

    select
        chosen_persons.outreach_id,
        people.person_unique_id,
        people.first_name,
        people.email,
        people.has_valid_email_format,
        people.is_outreach_ready,
        suppressed.email is not null as is_suppressed
    from chosen_persons
    inner join people
        on chosen_persons.person_unique_id = people.person_unique_id
    left join suppressed
        on people.email = suppressed.email

),

contacts as (

    select
        outreach_id,
        last_contacted_at
    from {{ ref('int_company_contacts_summarized') }}

),

queue_history as (

    select
        message_id,
        outreach_id,
        pressure_class,
        queued_at
    from {{ ref('int_queue_history') }}

),

touches as (

    select
        outreach_id,
        pressure_class,
        count(*) as touches_in_window
    from queue_history
    where queued_at > {{ add_days(as_of(), -var('touch_cap_window_days')) }}
    group by outreach_id, pressure_class

),

touch_caps as (

    select
        band,
        touch_cap
    from {{ ref('band_thresholds') }}

),

queued_today as (

    select count(*) as messages_queued_today
    from queue_history
    where {{ utc_date('queued_at') }} = {{ utc_date(as_of()) }}

),

assembled as (

    select
        companies.outreach_id,
        identities.company_name,
        identities.identity_status,
        exclusions.exclusion_reason,
        kill_switches.override_type as kill_switch_type,
        bands.band,
        bands.band_name,
        bands.cap,
        bands.bit_score,
        bands.primary_class as pressure_class,
        bands.primary_domain,
        proofs.proof_id,
        proofs.proof_line,
        proofs.proof_sources,
        proofs.cited_signal_ids,
        proofs.proof_evidence,
        proofs.valid_until as proof_valid_until,
        proofs.decision_window_days,
        slots.chosen_slot as slot_type,
        slots.person_unique_id,
        people.first_name,
        people.email as email_to,
        contacts.last_contacted_at,
        coalesce(touches.touches_in_window, 0) as touches_in_window,
        touch_caps.touch_cap,
        exclusions.outreach_id is not null
        or identities.company_unique_id is null
        or identities.identity_status != 'PASS' as is_excluded,
        kill_switches.outreach_id is not null as has_kill_switch,
        bands.band < {{ var('min_contact_band') }} as is_below_contact_band,
        not coalesce(proofs.is_proof_formed and proofs.is_valid_at_as_of, false) as lacks_valid_proof,
        slots.chosen_slot is null as lacks_filled_slot,
        people.person_unique_id is null
        or not coalesce(people.has_valid_email_format, false)
        or not coalesce(people.is_outreach_ready, false)
        -- the templates greet by first name: without one the message cannot be rendered
        or people.first_name is null as is_email_not_ready,
        coalesce(people.is_suppressed, false) as is_suppressed,
        coalesce(
            contacts.last_contacted_at > {{ add_days(as_of(), -var('cooling_off_days')) }},
            false
        ) as is_cooling_off,
        touch_caps.touch_cap is not null
        and coalesce(touches.touches_in_window, 0) >= touch_caps.touch_cap as is_at_touch_cap
    from companies
    inner join bands
        on companies.outreach_id = bands.outreach_id
    left join identities
        on companies.sovereign_id = identities.company_unique_id
    left join exclusions
        on companies.outreach_id = exclusions.outreach_id
    left join kill_switches
        on companies.outreach_id = kill_switches.outreach_id
    left join proofs
        on companies.outreach_id = proofs.outreach_id
    left join slots
        on companies.outreach_id = slots.outreach_id
    left join chosen_people as people
        on companies.outreach_id = people.outreach_id
    left join contacts
        on companies.outreach_id = contacts.outreach_id
    left join touches
        on
            companies.outreach_id = touches.outreach_id
            and bands.primary_class = touches.pressure_class
    left join touch_caps
        on bands.band = touch_caps.band

),

identified as (

    select
        *,
        case
            when proof_id is not null and slot_type is not null
                then {{ message_id('outreach_id', 'slot_type', 'pressure_class', 'proof_id') }}
        end as message_id
    from assembled

),

queued_before as (

    select
        identified.*,
        queue_history.message_id is not null as is_already_queued
    from identified
    left join queue_history
        on identified.message_id = queue_history.message_id

),

gated as (

    select
        *,
        case
            {%- for code in flagged %}
                when {{ gates[code] }} then '{{ code }}'
            {%- endfor %}
        end as blocking_reason
    from queued_before

),

-- Only the companies no gate blocked are ranked: sorting these few rows, not every
-- company, is what keeps this model linear at a million companies.
ranked as (

    select
        *,
        row_number() over (order by band desc, bit_score desc, outreach_id asc) as daily_rank
    from gated
    where blocking_reason is null

    union all

    select
        *,
        null as daily_rank
    from gated
    where blocking_reason is not null

),

limited as (

    select
        ranked.*,
        greatest({{ var('daily_queue_limit') }} - queued_today.messages_queued_today, 0) as daily_capacity
    from ranked
    cross join queued_today

),

final as (

    select
        outreach_id,
        coalesce(
            blocking_reason,
            case when daily_rank > daily_capacity then 'DAILY_LIMIT' else 'QUEUED' end
        ) as decision_reason,
        {{ as_of() }} as decided_at,
        company_name,
        identity_status,
        exclusion_reason,
        kill_switch_type,
        band,
        band_name,
        cap,
        bit_score,
        pressure_class,
        primary_domain,
        proof_id,
        proof_line,
        proof_sources,
        cited_signal_ids,
        proof_evidence,
        proof_valid_until,
        decision_window_days,
        slot_type,
        person_unique_id,
        first_name,
        email_to,
        message_id,
        last_contacted_at,
        touches_in_window,
        touch_cap,
        daily_rank,
        daily_capacity,
        is_excluded,
        has_kill_switch,
        is_below_contact_band,
        lacks_valid_proof,
        lacks_filled_slot,
        is_email_not_ready,
        is_suppressed,
        is_cooling_off,
        is_at_touch_cap,
        is_already_queued
    from limited

)

select * from final
