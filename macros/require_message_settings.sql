{#-
    CAN-SPAM: every message must carry a working opt-out and the sender's postal address.
    Called by the model that renders messages, so a build with either var empty fails there,
    and nothing downstream (the send queue) is built.
-#}
{% macro require_message_settings() -%}
    {%- for name in ['unsubscribe_base_url', 'sender_postal_address'] -%}
        {%- if (var(name, '') or '') | string | trim == '' -%}
            {{ exceptions.raise_compiler_error(
                "The var '" ~ name ~ "' is empty: every message must carry an opt-out link and the sender's "
                ~ "postal address (CAN-SPAM), so nothing is rendered or queued. Set it in dbt_project.yml or with --vars."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}
