{#-
    The evaluation instant of RULES.md §0 as a timestamptz literal: the `as_of` var when set,
    otherwise the moment this dbt invocation started. Every model that reads time calls this
    macro, never now(), so a run with a fixed as_of is reproducible byte for byte.
-#}
{% macro as_of() -%}
    {%- set value = var('as_of', none) -%}
    {%- if value is none or value | string | trim == '' -%}
        {%- set value = run_started_at.isoformat() -%}
    {%- endif -%}
    cast('{{ value | string | trim | replace("'", "") }}' as timestamptz)
{%- endmacro %}
