{#- A timestamptz as fixed ISO-8601 text in UTC (independent of the session time zone), for keys. -#}
{% macro utc_timestamp_text(column) -%}
    {{ return(adapter.dispatch('utc_timestamp_text', 'pressure_outreach')(column)) }}
{%- endmacro %}

{% macro default__utc_timestamp_text(column) -%}
    to_char(({{ column }}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
{%- endmacro %}
