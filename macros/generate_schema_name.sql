{#-
    A model with a custom schema lands in exactly that schema (reporting, execution, rules),
    not in "<target schema>_<custom schema>": the Execution Hub reads `execution.send_queue`
    and BI tools read `reporting.*` under those names on every target. The execution
    schema is the `execution_schema` var, where the Execution Hub's send_events also live.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'execution' -%}
        {{ var('execution_schema', 'execution') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
