{#-
    The messages of this run: every company whose decision is QUEUED, with its template
    (audience × pressure class, latest version) rendered set-based in one pass over the
    template's parts. Values are inserted as data and never rendered again. The body ends
    with the opt-out link and the sender's postal address (the footer seed).

    This is the model the send queue reads from: the authorization invariants (tests/)
    run on it, and any failure stops `dbt build` before the queue is written.
-#}
{{ require_message_settings() }}

with

decisions as (

    select
        outreach_id,
        message_id,
        decided_at,
        company_name,
        band,
        band_name,
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
        email_to
    from {{ ref('int_decisions_gated') }}
    where decision_reason = 'QUEUED'

),

templates as (

    select
        template_id,
        template_version,
        audience,
        pressure_class,
        row_number() over (
            partition by audience, pressure_class
            order by template_version desc, template_id asc
        ) as version_rank
    from {{ ref('message_templates') }}

),

parts as (

    select
        template_id,
        template_version,
        template_field,
        part_index,
        literal_text,
        placeholder_name,
        is_known_placeholder
    from {{ ref('int_template_parts_tokenized') }}

),

addressed as (

    select
        decisions.*,
        templates.template_id,
        templates.template_version,
        '{{ var("unsubscribe_base_url") }}' || decisions.message_id as unsubscribe_url,
        '{{ var("sender_postal_address") | replace("'", "''") }}' as sender_postal_address,
        {{ json_get_text('decisions.proof_evidence', 'decisions.primary_domain') }} as evidence
    from decisions
    left join templates
        on
            decisions.slot_type = templates.audience
            and decisions.pressure_class = templates.pressure_class
            and templates.version_rank = 1

),

rendered as (

    {{ render_templates('addressed', 'parts') }}

),

final as (

    select
        addressed.message_id,
        addressed.outreach_id,
        addressed.slot_type,
        addressed.person_unique_id,
        addressed.email_to,
        addressed.company_name,
        addressed.first_name,
        addressed.band,
        addressed.band_name,
        addressed.bit_score,
        addressed.pressure_class,
        addressed.proof_id,
        addressed.proof_line,
        addressed.proof_sources,
        addressed.cited_signal_ids,
        addressed.proof_evidence,
        addressed.proof_valid_until,
        addressed.decision_window_days,
        addressed.evidence,
        addressed.template_id,
        addressed.template_version,
        rendered.subject,
        rendered.body_text || chr(10) || chr(10) || rendered.footer_text as body,
        addressed.unsubscribe_url,
        addressed.sender_postal_address,
        coalesce(rendered.unresolved_placeholders, 0)
        + case when addressed.template_id is null then 1 else 0 end as unresolved_placeholders,
        '{{ var("message_channel") }}' as channel,
        addressed.decided_at as queued_at
    from addressed
    left join rendered
        on addressed.message_id = rendered.message_id

)

select * from final
