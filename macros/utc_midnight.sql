{#- 00:00 UTC of a calendar date, as a timestamptz. -#}
{% macro utc_midnight(date_expression) -%}
    {{ return(adapter.dispatch('utc_midnight', 'pressure_outreach')(date_expression)) }}
{%- endmacro %}

{% macro default__utc_midnight(date_expression) -%}
    (cast({{ date_expression }} as timestamp) at time zone 'UTC')
{%- endmacro %}
