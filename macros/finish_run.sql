{#-
    on-run-end of a `dbt build` or `dbt run`: completes the run's row in the run log
    (start_run wrote it). status `success` when no node failed, `failed` otherwise, with
    the failed nodes and how many were skipped in `detail`; models_built, how many models it rebuilt (none:
    it changed no table); is_complete when, besides, every model of the
    project was built by this run (a narrow build changes some tables only: a later
    `dbt test` then says the tables belong to different runs). The counts are what this run
    did: companies decided (its checkpoint, int_run_checked), messages it queued (rows of
    execution.send_queue with its invocation id) and source rows quarantined
    (reporting.rpt_data_quality of this run); NULL where the run did not get that far.
-#}
{% macro finish_run(results) -%}
    {%- if not execute or flags.WHICH not in ['build', 'run'] -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set failed = [] -%}
    {%- set skipped = [] -%}
    {%- set built_models = [] -%}
    {%- for result in results -%}
        {%- set status = result.status | string -%}
        {%- if status == 'skipped' -%}
            {%- do skipped.append(result.node.name) -%}
        {%- elif status in ['error', 'fail', 'runtime error'] -%}
            {%- do failed.append(result.node.name ~ ' ' ~ status) -%}
        {%- elif result.node.resource_type == 'model' -%}
            {%- do built_models.append(result.node.unique_id) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set models = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == project_name -%}
        {%- do models.append(node.unique_id) -%}
    {%- endfor -%}
    {%- set is_complete = failed | length == 0 and skipped | length == 0
        and (models | reject('in', built_models) | list | length) == 0 -%}
    {%- set detail = failed | join(', ') ~ ('; ' if failed and skipped else '')
        ~ ((skipped | length) ~ ' nodes skipped' if skipped else '') -%}
    {%- set counts = {'companies_decided': 'null', 'messages_queued': 'null', 'rows_quarantined': 'null'} -%}
    {%- set sources = {
        'companies_decided': ('int_run_checked', "select companies_decided from {} where run_id = '" ~ invocation_id ~ "'"),
        'messages_queued': ('send_queue', "select count(*) from {} where dbt_invocation_id = '" ~ invocation_id ~ "'"),
        'rows_quarantined': ('rpt_data_quality', "select coalesce(sum(row_count), 0) from {} where run_id = '" ~ invocation_id ~ "'"),
    } -%}
    {%- for column, counted in sources.items() -%}
        {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ counted[0]) -%}
        {%- if node and node.unique_id in built_models -%}
            {%- set relation = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- do counts.update({column: '(' ~ counted[1].format(relation) ~ ')'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do run_query(
        "update " ~ run_log_relation() ~ " set finished_at = clock_timestamp(), status = '"
        ~ ('success' if failed | length == 0 and skipped | length == 0 else 'failed') ~ "', is_complete = " ~ is_complete
        ~ ", models_built = " ~ built_models | length
        ~ ", detail = " ~ (sql_text(detail) if detail else 'null')
        ~ ", companies_decided = " ~ counts['companies_decided'] ~ ", messages_queued = " ~ counts['messages_queued']
        ~ ", rows_quarantined = " ~ counts['rows_quarantined']
        ~ " where run_id = '" ~ invocation_id ~ "';\ncommit"
    ) -%}
    {{- return('select 1') -}}
{%- endmacro %}
