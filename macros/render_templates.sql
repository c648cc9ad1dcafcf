{#-
    Set-based template rendering: one row per message with its rendered subject, body and
    footer, and how many placeholders stayed unresolved.

    `messages` names a relation or CTE with one row per message: `message_id`,
    `template_id`, `template_version` and one column per name of the `template_placeholders`
    var. `parts` names the tokenized templates (int_template_parts_tokenized). Each part's
    literal text is joined with its placeholder's value in a single pass, so a value is
    inserted as data and never read as a template again. An unknown placeholder renders
    empty and is counted in `unresolved_placeholders`, and so is a part whose own text still
    holds Jinja syntax this renderer does not know (`{{ name|title }}`, `{% if %}`, a
    comment, a lone `{{` or `}}`): it would reach the recipient verbatim.
-#}
{% macro render_templates(messages, parts) -%}
    select
        filled.message_id,
        string_agg(
            filled.literal_text || coalesce(filled.placeholder_value, ''), '' order by filled.part_index
        ) filter (where filled.template_field = 'subject') as subject,
        string_agg(
            filled.literal_text || coalesce(filled.placeholder_value, ''), '' order by filled.part_index
        ) filter (where filled.template_field = 'body') as body_text,
        string_agg(
            filled.literal_text || coalesce(filled.placeholder_value, ''), '' order by filled.part_index
        ) filter (where filled.template_field = 'footer') as footer_text,
        count(*) filter (
            where
                filled.placeholder_name is not null and filled.placeholder_value is null
                or filled.literal_text ~ {{ "'[{][{%#]|[}%#][}]'" }}
        ) as unresolved_placeholders
    from (
        select
            {{ messages }}.message_id,
            {{ parts }}.template_field,
            {{ parts }}.part_index,
            {{ parts }}.literal_text,
            {{ parts }}.placeholder_name,
            case
                when not {{ parts }}.is_known_placeholder then null
                {%- for name in var('template_placeholders') %}
                    when {{ parts }}.placeholder_name = '{{ name }}' then {{ messages }}.{{ name }}
                {%- endfor %}
            end as placeholder_value
        from {{ messages }}
        inner join {{ parts }}
            on
                (
                    {{ messages }}.template_id = {{ parts }}.template_id
                    and {{ messages }}.template_version = {{ parts }}.template_version
                    and {{ parts }}.template_field in ('subject', 'body')
                )
                or {{ parts }}.template_field = 'footer'
    ) as filled
    group by filled.message_id
{%- endmacro %}
