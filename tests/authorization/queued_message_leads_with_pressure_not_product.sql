{#-
    Invariant, the seed's framing rule: a queued message leads with the prospect's evidence
    (the body's first sentence states it) and never uses a product-first phrase; urgency
    words appear only at band 5. Names are taken out before the phrase checks: a company
    called "Our Platform LLC" is data, not framing.
-#}
with

messages as (

    select
        message_id,
        band,
        evidence,
        subject,
        body,
        company_name,
        first_name
    from {{ ref('int_messages_rendered') }}

),

product_first as (

    select phrase
    from {{ ref('product_first_phrases') }}

),

urgency as (

    select word
    from {{ ref('urgency_words') }}

),

framing as (

    select
        message_id,
        band,
        evidence,
        body,
        replace(
            replace(lower(subject || ' ' || body), lower(coalesce(company_name, '')), ''),
            lower(coalesce(first_name, '')),
            ''
        ) as own_words,
        strpos(body, evidence) as evidence_position,
        replace(body, coalesce(company_name, ''), '') as body_without_name
    from messages

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
        evidence is null
        or evidence_position = 0
        or strpos(
            left(body_without_name, strpos(body_without_name, evidence) - 1), '. '
        ) > 0
)

select * from violations
