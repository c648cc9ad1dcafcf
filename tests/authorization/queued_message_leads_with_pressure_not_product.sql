{#-
    Invariant, the seed's framing rule: a queued message leads with the prospect's evidence
    (the body's first sentence states it) and never uses a product-first phrase; urgency
    words appear only at band 5.

    The rule is about the words the message puts around the data, so it is judged on the
    message's template and the footer rendered with every placeholder empty
    (render_templates, the renderer the messages come from): a company called "Our Platform
    LLC", a first name "J. Robert" whose full stop ends no sentence, or a filing quoted as
    "renew immediately" is the prospect's data, not our framing, and must not fail the
    invariant (which would hold back the whole day's queue). Taking the values out of the
    rendered text instead cannot work when one value contains another. The evidence renders
    as a marker, chr(1), so the opening is the body up to it; the rendered body must still
    contain the real evidence.
-#}
{%- set evidence_marker = "chr(1)" %}

with

messages as (

    select
        message_id,
        band,
        evidence,
        body,
        template_id,
        template_version
    from {{ ref('int_messages_rendered') }}

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

blanked as (

    select
        message_id,
        template_id,
        template_version,
        -- one column per name of the template_placeholders var, as render_templates reads
        '' as company_name,
        '' as first_name,
        '' as proof_line,
        {{ evidence_marker }} as evidence,
        '' as sender_postal_address,
        '' as unsubscribe_url
    from messages

),

template_text as (

    {{ render_templates('blanked', 'parts') }}

),

framing as (

    select
        messages.message_id,
        messages.band,
        lower(replace(
            template_text.subject || ' ' || template_text.body_text || ' ' || template_text.footer_text,
            {{ evidence_marker }},
            ''
        )) as own_words,
        case
            when strpos(template_text.body_text, {{ evidence_marker }}) > 0
                then split_part(template_text.body_text, {{ evidence_marker }}, 1)
        end as opening,
        coalesce(strpos(messages.body, messages.evidence), 0) as evidence_position
    from messages
    left join template_text
        on messages.message_id = template_text.message_id

),

product_first as (

    select phrase
    from {{ ref('product_first_phrases') }}

),

urgency as (

    select word
    from {{ ref('urgency_words') }}

),

violations as (

    select
        framing.message_id,
        'product-first phrase: ' || product_first.phrase as violation
    from framing
    inner join product_first
        on strpos(framing.own_words, product_first.phrase) > 0
    union all
    select
        framing.message_id,
        'urgency below band 5: ' || urgency.word as violation
    from framing
    inner join urgency
        on strpos(framing.own_words, urgency.word) > 0
    where framing.band < 5
    union all
    select
        message_id,
        'does not open with the evidence' as violation
    from framing
    where
        opening is null
        or opening ~ '[.!?]([[:space:]]|$)'
        or evidence_position = 0

)

select * from violations
