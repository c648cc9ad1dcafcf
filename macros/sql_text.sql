{#- A text value as a SQL string literal, its single quotes doubled. -#}
{% macro sql_text(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}
