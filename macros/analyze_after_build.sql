{#-
    Post-hook for every model and seed: refresh the planner's statistics of a table the
    moment it is written. A table dbt has just created has none until autovacuum gets to
    it, so the next model reading it would be planned as if it held a few hundred rows
    (nested loops over 95,000 companies). A seed without them is guessed at a thousand
    rows or so: the join with the six-row band table was planned as a sort-merge of every
    company. Views have no statistics of their own and are skipped.

    The sample is set by the analyze_statistics_target var (PostgreSQL reads 300 rows per
    unit, so 10 reads 3,000 rows; the server's default of 100 reads 30,000). What the
    models downstream need from these statistics is a row count, the NULL fraction and whether
    a key is unique or has a handful of values; a 3,000-row sample tells them as well as a
    30,000-row one, at a tenth of the cost: with the default, the ANALYZEs took 1.8 s of
    the 12.5 s of SQL of a 95,004-company build (docs/performance.md). `set local` ends
    with the model's transaction.
-#}
{% macro analyze_after_build() -%}
    {{ return(adapter.dispatch('analyze_after_build', 'pressure_outreach')()) }}
{%- endmacro %}

{% macro default__analyze_after_build() -%}
    {%- if config.get('materialized') in ['table', 'incremental', 'seed'] -%}
        {%- set statistics_target = var('analyze_statistics_target') -%}
        {%- if statistics_target is not none -%}
            {%- if statistics_target is not integer or statistics_target < 1 or statistics_target > 10000 -%}
                {{ exceptions.raise_compiler_error(
                    "var analyze_statistics_target must be null or a whole number from 1 to 10000"
                    ~ " (PostgreSQL's range for default_statistics_target), got " ~ statistics_target
                ) }}
            {%- endif %}
            set local default_statistics_target = {{ statistics_target }};
        {%- endif %}
        analyze {{ this }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
