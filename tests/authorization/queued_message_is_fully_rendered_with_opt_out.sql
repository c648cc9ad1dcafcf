{#-
    Invariant: every queued message is fully rendered — no unresolved placeholder, a
    non-empty subject and body — and its body ends with the opt-out link (with its own
    message id) followed by the sender's postal address (CAN-SPAM).
-#}
with

messages as (

    select
        message_id,
        subject,
        body,
        unresolved_placeholders
    from {{ ref('int_messages_rendered') }}

),

checked as (

    select
        message_id,
        unresolved_placeholders,
        {{ trim_whitespace('subject') }} is not null as has_subject,
        {{ trim_whitespace('body') }} is not null as has_body,
        strpos(body, '{{ var("unsubscribe_base_url") }}' || message_id) > 0 as has_opt_out,
        right(body, length('{{ var("sender_postal_address") | replace("'", "''") }}'))
        = '{{ var("sender_postal_address") | replace("'", "''") }}' as ends_with_postal_address
    from messages

)

select *
from checked
where
    unresolved_placeholders != 0
    or not has_subject
    or not has_body
    or not coalesce(has_opt_out, false)
    or not coalesce(ends_with_postal_address, false)
    or '{{ var("unsubscribe_base_url") | trim }}' = ''
    or '{{ var("sender_postal_address") | trim | replace("'", "''") }}' = ''
