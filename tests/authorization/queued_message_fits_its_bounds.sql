{#-
    Invariant: no queued message is larger than a person reads in one email: its subject at
    most `message_subject_max_chars`, its body at most `message_body_max_chars` characters.
    Evidence longer than `evidence_max_chars` is quarantined in staging (EVIDENCE_TOO_LONG),
    so this holds unless a template or a renderer change makes messages grow.
-#}
with

messages as (

    select
        message_id,
        char_length(subject) as subject_chars,
        char_length(body) as body_chars
    from {{ ref('int_messages_rendered') }}

)

select
    message_id,
    subject_chars,
    body_chars
from messages
where
    subject_chars > {{ var('message_subject_max_chars') }}
    or body_chars > {{ var('message_body_max_chars') }}
