{#- Text without surrounding white space (spaces, tabs, line breaks); blank becomes NULL. -#}
{% macro trim_whitespace(column) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'pressure_outreach')(column)) }}
{%- endmacro %}

{% macro default__trim_whitespace(column) -%}
    nullif(regexp_replace({{ column }}, '^\s+|\s+$', '', 'g'), '')
{%- endmacro %}
