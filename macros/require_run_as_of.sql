{#-
    on-run-start: a `dbt test` that selects data tests needs the `as_of` var of the run it
    checks. A data test judges a run at its instant (the invariants re-read the queue, the
    Execution Hub's events and the windows of the gates at as_of; the decision log's tests
    read the rows of as_of), while the tables it reads were built at the build's as_of.
    Without the var, as_of would be the moment the test command started: the invariants
    would report violations of a run that never happened and the decision log's tests would
    check no row at all. So the command stops before any test, naming the latest run in
    the decision log and the command that checks it. A `dbt build` needs no var (its models
    and tests share the moment it started), nor do unit tests (they set their own).
-#}
{% macro require_run_as_of() -%}
    {#- flags.WHICH is the command that runs: `test`, also under a `dbt retry` of one -#}
    {%- set command = flags.WHICH if execute else none -%}
    {%- set as_of_var = var('as_of', none) -%}
    {%- if command != 'test' or (as_of_var is not none and as_of_var | string | trim != '') -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set data_tests = [] -%}
    {%- for unique_id in selected_resources if unique_id.startswith('test.') -%}
        {%- do data_tests.append(unique_id) -%}
    {%- endfor -%}
    {%- if not data_tests -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set log = adapter.get_relation(
        database=target.database, schema=var('execution_schema', 'execution'), identifier='decision_log'
    ) -%}
    {%- set latest = none -%}
    {%- if log is not none -%}
        {%- set latest = run_query(
            "select to_char(max(decided_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"') from " ~ log
        ).columns[0].values()[0] -%}
    {%- endif -%}
    {%- set example = latest if latest is not none else '<the build\'s as_of>' -%}
    {%- do exceptions.raise_compiler_error(
        "dbt test checks a run at that run's as_of, and this one has no as_of var (" ~ data_tests | length
        ~ " data tests selected; without the var they would judge a run at the moment this command started). "
        ~ ("The latest run in " ~ log ~ " is at " ~ latest ~ ". " if latest is not none else "No run is logged yet. ")
        ~ "Check it with `python -m pressure_outreach test` (the latest run, or --as-of), or with "
        ~ "`dbt test --vars '{\"as_of\": \"" ~ example ~ "\"}'` plus any other vars that build had. Nothing was tested."
    ) -%}
{%- endmacro %}
