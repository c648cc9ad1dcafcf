{#-
    Invariant, the seed's framing rule: a queued message leads with the prospect's evidence
    (the body's first sentence states it) and never uses a product-first phrase; urgency
    words appear only at band 5.

    The rule is about the words the message puts around the data, so it is judged on the
    literal text of the message's template and the footer, every placeholder replaced by
    nothing (int_template_parts_tokenized): a company called "Our Platform LLC", a first
    name "J. Robert" whose full stop ends no sentence, or a filing quoted as "renew
    immediately" is the prospect's data, not our framing, and must not fail the invariant
    (which would hold back the whole day's queue). Taking the values out of the rendered
    text instead cannot work when one value contains another. The rendered body must still
    contain the evidence.
-#}
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
        coalesce(literal_text, '') as literal_text,
        placeholder_name
    from {{ ref('int_template_parts_tokenized') }}

),

footer_words as (

    select lower(string_agg(literal_text, '' order by part_index)) as words
    from parts
    where template_field = 'footer' and template_id = '{{ var("message_footer_id") }}'

),

template_words as (

    select
        parts.template_id,
        parts.template_version,
        lower(string_agg(
            parts.literal_text, ''
            order by case parts.template_field when 'subject' then 1 else 2 end, parts.part_index
        )) || ' ' || coalesce((select footer_words.words from footer_words), '') as own_words
    from parts
    where parts.template_field in ('subject', 'body')
    group by parts.template_id, parts.template_version

),

-- The body's literal text up to the first {{ evidence }}: a full stop followed by a space
-- in it ends a sentence before the evidence is stated.
first_evidence as (

    select
        template_id,
        template_version,
        min(part_index) as part_index
    from parts
    where template_field = 'body' and placeholder_name = 'evidence'
    group by template_id, template_version

),

openings as (

    select
        parts.template_id,
        parts.template_version,
        string_agg(parts.literal_text, '' order by parts.part_index) as opening
    from parts
    inner join first_evidence
        on
            parts.template_id = first_evidence.template_id
            and parts.template_version = first_evidence.template_version
            and parts.part_index <= first_evidence.part_index
    where parts.template_field = 'body'
    group by parts.template_id, parts.template_version

),

framing as (

    select
        messages.message_id,
        messages.band,
        template_words.own_words,
        openings.opening,
        coalesce(strpos(messages.body, messages.evidence), 0) as evidence_position
    from messages
    left join template_words
        on
            messages.template_id = template_words.template_id
            and messages.template_version = template_words.template_version
    left join openings
        on
            messages.template_id = openings.template_id
            and messages.template_version = openings.template_version

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
        or strpos(opening, '. ') > 0
        or evidence_position = 0

)

select * from violations
