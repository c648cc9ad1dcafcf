{#-
    Post-hook for every model and seed: refresh the planner's statistics of a table the
    moment it is written. A table dbt has just created has none until autovacuum gets to
    it, so the next model reading it would be planned as if it held a few hundred rows
    (nested loops over 95,000 companies). A seed without them is guessed at a thousand
    rows or so: the join with the six-row band table was planned as a sort-merge of every
    company. Views have no statistics of their own and are skipped.
-#}
{% macro analyze_after_build() -%}
    {%- if config.get('materialized') in ['table', 'incremental', 'seed'] -%}
        analyze {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
