{#- Aggregate key/value pairs into one JSON object (jsonb on PostgreSQL). -#}
{% macro json_object_agg(key, value) -%}
    {{ return(adapter.dispatch('json_object_agg', 'pressure_outreach')(key, value)) }}
{%- endmacro %}

{% macro default__json_object_agg(key, value) -%}
    jsonb_object_agg({{ key }}, {{ value }})
{%- endmacro %}
