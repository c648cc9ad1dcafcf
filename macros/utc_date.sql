{#- The UTC calendar date of a timestamptz, whatever the session time zone (docs/rulebook.md §0). -#}
{% macro utc_date(column) -%}
    {{ return(adapter.dispatch('utc_date', 'pressure_outreach')(column)) }}
{%- endmacro %}

{% macro default__utc_date(column) -%}
    cast(({{ column }}) at time zone 'UTC' as date)
{%- endmacro %}
