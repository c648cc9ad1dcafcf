{#- A timestamptz moved by a number of days on the UTC calendar (no daylight-saving drift). -#}
{% macro add_days(column, days) -%}
    {{ return(adapter.dispatch('add_days', 'pressure_outreach')(column, days)) }}
{%- endmacro %}

{% macro default__add_days(column, days) -%}
    ((({{ column }}) at time zone 'UTC' + ({{ days }}) * interval '1 day') at time zone 'UTC')
{%- endmacro %}
