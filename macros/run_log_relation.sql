{#-
    The run log: one row per dbt build or run of this project (execution.run_log on the
    prod target, <prefix>_execution.run_log on another), written by start_run (when the
    run starts) and finish_run (when it ends), and read by a `dbt test` that checks the
    last complete run, by the CLI's summary and by reporting.rpt_runs. It is declared as
    the source execution_history.run_log (models/marts/execution/_execution__sources.yml);
    this macro names it without source(), so that as_of() does not make every model
    depend on it.
-#}
{% macro run_log_relation() -%}
    {%- set schema = generate_schema_name('execution', none) | trim -%}
    {{ return(api.Relation.create(database=target.database, schema=schema, identifier='run_log')) }}
{%- endmacro %}
