{#-
    The evaluation instant of docs/rulebook.md §0 as a timestamptz literal: the `as_of` var
    when set, else the OUTREACH_AS_OF environment variable, otherwise the moment this dbt
    invocation started. Every model that reads time calls this macro, never now(), so a run
    with a fixed as_of is reproducible byte for byte.

    The environment variable is read only when a node runs (`execute`), never while dbt
    parses: dbt parses the whole project again whenever --vars change, but keeps its parse
    across runs whose only difference is this variable. The production command passes the
    as_of this way (a daily run always has a new one), and so do the tests.
-#}
{% macro as_of() -%}
    {%- set value = var('as_of', none) -%}
    {%- if (value is none or value | string | trim == '') and execute -%}
        {%- set value = env_var('OUTREACH_AS_OF', '') -%}
    {%- endif -%}
    {%- if value is none or value | string | trim == '' -%}
        {%- set value = run_started_at.isoformat() -%}
    {%- endif -%}
    cast('{{ value | string | trim | replace("'", "") }}' as timestamptz)
{%- endmacro %}
