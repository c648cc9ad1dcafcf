{#-
    Where each model lands, by dbt's convention for environments:

    - target `prod` (the production command and the demo): the real schemas. A model with a
      custom schema lands in exactly that schema (`reporting`, `rules`, and `execution`,
      which is the `execution_schema` var, where the Execution Hub's send_events also
      live); the others in the target's schema (`analytics`).
    - any other target (`dev`, a developer's default): everything under the target's schema
      as a prefix: `dev`, `dev_execution`, `dev_reporting`, `dev_rules`. A developer's
      `dbt build` never reads or writes the production queue, decision log or marts; the
      sources (the upstream tables, send_events included) are read where they are in both.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set custom = custom_schema_name | trim if custom_schema_name is not none else none -%}
    {%- if custom == 'execution' -%}
        {%- set custom = var('execution_schema', 'execution') -%}
    {%- endif -%}
    {%- if target.name == 'prod' -%}
        {{ custom if custom else target.schema }}
    {%- elif custom -%}
        {{ target.schema }}_{{ custom }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}
