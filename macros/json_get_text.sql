{#- The text value under a key (a SQL expression) of a JSON object column. -#}
{% macro json_get_text(column, key_expression) -%}
    {{ return(adapter.dispatch('json_get_text', 'pressure_outreach')(column, key_expression)) }}
{%- endmacro %}

{% macro default__json_get_text(column, key_expression) -%}
    ({{ column }} ->> {{ key_expression }})
{%- endmacro %}
