{#-
    Post-hook for every model: refresh the planner's statistics of a table the moment it is
    written. A table dbt has just created has none until autovacuum gets to it, so the
    next model reading it would be planned as if it held a few hundred rows (nested loops
    over 95,000 companies). Views have no statistics of their own and are skipped.
-#}
{% macro analyze_after_build() -%}
    {%- if config.get('materialized') in ['table', 'incremental'] -%}
        analyze {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
