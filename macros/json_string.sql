{#-
    The value under `key` of a JSON object column when it is a JSON string, else NULL
    (a number, object or missing key gives NULL, so it can never pass as evidence).
-#}
{% macro json_string(column, key) -%}
    {{ return(adapter.dispatch('json_string', 'pressure_outreach')(column, key)) }}
{%- endmacro %}

{% macro default__json_string(column, key) -%}
    case
        when jsonb_typeof({{ column }} -> '{{ key }}') = 'string'
            then {{ column }} ->> '{{ key }}'
    end
{%- endmacro %}
