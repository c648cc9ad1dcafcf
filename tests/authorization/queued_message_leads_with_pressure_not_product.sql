{#-
    Invariant, the seed's framing rule: a queued message leads with the prospect's evidence
    (the body's first sentence states it) and never uses a product-first phrase; urgency
    words appear only at band 5. The rule is about the words the message puts around the
    data, so the data is taken out first: the names (a company called "Our Platform LLC", a
    first name "J. Robert" whose full stop is not a sentence end) and the quoted evidence and
    proof line (a filing or an article saying "immediately" is the prospect's problem, not
    our pressure). Without that, one such row would fail the invariant and hold back the
    whole day's queue.
-#}
{#- Each data column replaced by nothing, the proof line before the evidence it quotes. -#}
{%- set own_words = namespace(sql="lower(subject || ' ' || body)") -%}
{%- for column in ['proof_line', 'evidence', 'company_name', 'first_name'] -%}
    {%- set own_words.sql = "replace(" ~ own_words.sql ~ ", lower(coalesce(" ~ column ~ ", '')), '')" -%}
{%- endfor -%}
{#- The body up to the evidence, names out: a full stop left in it ends a sentence. -#}
{%- set opening = namespace(sql="left(body, strpos(body, evidence) - 1)") -%}
{%- for column in ['company_name', 'first_name'] -%}
    {%- set opening.sql = "replace(" ~ opening.sql ~ ", coalesce(" ~ column ~ ", ''), '')" -%}
{%- endfor %}

with

messages as (

    select
        message_id,
        band,
        evidence,
        proof_line,
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
        {{ own_words.sql }} as own_words,
        strpos(body, evidence) as evidence_position,
        {{ opening.sql }} as opening_before_evidence
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
        or strpos(opening_before_evidence, '. ') > 0
)

select * from violations
