{#-
    A uuid derived from a text key: md5 of the key read as a uuid (docs/rulebook.md §1), so
    a re-run derives the same id from the same facts.
-#}
{% macro deterministic_uuid(key_expression) -%}
    {{ return(adapter.dispatch('deterministic_uuid', 'pressure_outreach')(key_expression)) }}
{%- endmacro %}

{% macro default__deterministic_uuid(key_expression) -%}
    cast(md5({{ key_expression }}) as uuid)
{%- endmacro %}
