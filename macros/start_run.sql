{#-
    on-run-start: what happens before the first node of a run.

    A `dbt build` or `dbt run` (docs/rulebook.md §0 and §10; README: Daily use):
    1. its as_of is checked (as_of(): an ISO-8601 instant with an offset, or the run stops
       with the expected format);
    2. the run log and the Execution Hub's ledger (send_ledger_relation) are created when
       they are missing;
    3. the Execution Hub's feed is checked (check_send_events_feed): a stale one stops the
       run here, before any table is rebuilt;
    4. the run gets its row in the run log (run_log_relation): run id (the invocation id),
       command, target, as_of, started_at, status `running`, or `refused` with the reason
       when the feed stopped it. finish_run completes the row when the run ends.

    A `dbt test` of data tests without an as_of (the var or OUTREACH_AS_OF) tests the tables
    on disk, which the last run that built a model left: when that run is complete (every
    model of the project built, nothing failed) its as_of is the one as_of() gives the
    tests, and this says which
    run and as_of are tested; when that run failed, was partial or is still running, the
    tables belong to different runs and the invariants would judge a mix that no run
    queued: the command stops here and says so, testing nothing. Unit tests need no as_of.
-#}
{% macro start_run() -%}
    {%- if not execute -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set command = flags.WHICH -%}
    {%- if command in ['build', 'run'] -%}
        {{- return(start_build_run()) -}}
    {%- elif command == 'test' -%}
        {{- return(start_test_run()) -}}
    {%- endif -%}
    {{- return('select 1') -}}
{%- endmacro %}

{% macro start_build_run() -%}
    {%- set as_of_sql = as_of() -%}
    {%- set run_log = run_log_relation() -%}
    {#- CREATE SCHEMA IF NOT EXISTS needs the privilege to create schemas even when it exists -#}
    {%- if not adapter.check_schema_exists(run_log.database, run_log.schema) -%}
        {%- do run_query("create schema " ~ adapter.quote(run_log.schema) ~ ";\ncommit") -%}
    {%- endif -%}
    {%- do run_query(
        "create table if not exists " ~ run_log ~ " (\n"
        ~ "    run_id text primary key,\n"
        ~ "    command text not null,\n"
        ~ "    target_name text not null,\n"
        ~ "    as_of timestamptz not null,\n"
        ~ "    started_at timestamptz not null,\n"
        ~ "    finished_at timestamptz,\n"
        ~ "    status text not null,\n"
        ~ "    is_complete boolean not null default false,\n"
        ~ "    models_built integer,\n"
        ~ "    detail text,\n"
        ~ "    daily_queue_limit integer,\n"
        ~ "    companies_decided bigint,\n"
        ~ "    messages_queued bigint,\n"
        ~ "    rows_quarantined bigint\n"
        ~ ");\ncommit"
    ) -%}
    {%- set ledger = send_ledger_relation() -%}
    {#- the hub records outcomes; the claim itself (message_id, address, claimed_at/by) is
        never rewritten, or a claimed message would be sendable again -#}
    {%- set ledger_outcome_columns = ['status', 'attempts', 'smtp_reply', 'finished_at', 'unsubscribed_at'] -%}
    {%- do run_query(
        "create table if not exists " ~ ledger ~ " (\n"
        ~ "    message_id text primary key,\n"
        ~ "    outreach_id uuid,\n"
        ~ "    person_unique_id text,\n"
        ~ "    email_to text not null,\n"
        ~ "    claimed_at timestamptz not null,\n"
        ~ "    claimed_by text not null,\n"
        ~ "    status text not null,\n"
        ~ "    attempts integer not null default 0,\n"
        ~ "    finished_at timestamptz,\n"
        ~ "    smtp_reply text,\n"
        ~ "    unsubscribed_at timestamptz\n"
        ~ ");\n"
        ~ ("revoke update on " ~ ledger ~ " from " ~ adapter.quote(var('execution_hub_role')) ~ ";\n"
           ~ "grant select, insert, update (" ~ ledger_outcome_columns | join(', ') ~ ") on " ~ ledger
           ~ " to " ~ adapter.quote(var('execution_hub_role')) ~ ";\n"
           if target.name == 'prod' else "")
        ~ "commit"
    ) -%}
    {%- set problem = check_send_events_feed() -%}
    {%- do run_query(
        "insert into " ~ run_log ~ " (run_id, command, target_name, as_of, started_at, finished_at, status, detail,"
        ~ " daily_queue_limit) values ('" ~ invocation_id ~ "', '" ~ flags.WHICH ~ "', '" ~ target.name ~ "', "
        ~ as_of_sql ~ ", clock_timestamp(), " ~ ("clock_timestamp(), 'refused', " ~ sql_text(problem) if problem else "null, 'running', null")
        ~ ", " ~ var('daily_queue_limit') ~ ");\ncommit"
    ) -%}
    {%- if problem -%}
        {{- exceptions.raise_compiler_error(problem) -}}
    {%- endif -%}
    {{- return('select 1') -}}
{%- endmacro %}

{% macro start_test_run() -%}
    {%- set given = var('as_of', none) or env_var('OUTREACH_AS_OF', '') -%}
    {%- set data_tests = [] -%}
    {%- for unique_id in (selected_resources or []) if unique_id.startswith('test.') -%}
        {%- do data_tests.append(unique_id) -%}
    {%- endfor -%}
    {%- if (given | string | trim) != '' or (selected_resources and not data_tests) -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set run_log = run_log_relation() -%}
    {%- set found = adapter.get_relation(database=run_log.database, schema=run_log.schema, identifier=run_log.identifier) -%}
    {%- set runs = run_query(
        "select run_id, status, is_complete, to_char(as_of at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') as as_of,"
        ~ " to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as started"
        ~ " from " ~ run_log ~ " where status != 'refused' and coalesce(models_built, 1) > 0"
        ~ " order by started_at desc limit 1"
    ).rows if found is not none else [] -%}
    {%- if runs | length == 0 -%}
        {{- exceptions.raise_compiler_error(
            "No build has run yet on target " ~ target.name ~ ", so there is nothing to test: build first "
            ~ "(`python -m pressure_outreach build`, or `dbt build`). Nothing was tested."
        ) -}}
    {%- endif -%}
    {%- set last = runs[0] -%}
    {%- if not last['is_complete'] -%}
        {%- set complete = run_query(
            "select run_id, to_char(as_of at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') as as_of from "
            ~ run_log ~ " where is_complete order by started_at desc limit 1"
        ).rows -%}
        {{- exceptions.raise_compiler_error(
            "The tables on disk belong to different runs: run " ~ last['run_id'] ~ " (as_of " ~ last['as_of']
            ~ ", started " ~ last['started'] ~ " UTC) " ~ ('is still running or was stopped' if last['status'] == 'running' else 'failed or built only part of the project')
            ~ ", after " ~ ("the last complete run " ~ complete[0]['run_id'] ~ " at as_of " ~ complete[0]['as_of'] if complete | length else "no complete run")
            ~ ". Its invariants would judge a mix of tables that no run queued from. Nothing was tested: "
            ~ "build again (`python -m pressure_outreach build`) and test that run."
        ) -}}
    {%- endif -%}
    {{- log("testing run " ~ last['run_id'] ~ " at as_of " ~ last['as_of'] ~ " (the last complete run on target "
        ~ target.name ~ ")", info=True) -}}
    {{- return('select 1') -}}
{%- endmacro %}
