{#-
    on-run-start: a `dbt test` that selects data tests needs the `as_of` var of the build
    whose tables it reads. A data test judges a run at its instant (the invariants re-read
    the queue, the Execution Hub's events and the windows of the gates at as_of; the
    decision log's tests read the rows of as_of), while the tables it reads were built at
    the last build's as_of. Without the var, as_of would be the moment the test command
    started: the invariants would report violations of a run that never happened and the
    decision log's tests would check no row at all. So the command stops before any test,
    naming the as_of the tables on disk were built at (`decided_at` of int_decisions_gated)
    and the command that tests them. A `dbt build` needs no var (its models and tests share
    the moment it started), nor do unit tests (they set their own). Under `dbt retry` dbt
    does not fill selected_resources: a retried `test` without the var is stopped too.
-#}
{% macro require_run_as_of() -%}
    {#- flags.WHICH is the command that runs: `test`, also under a `dbt retry` of one -#}
    {%- set command = flags.WHICH if execute else none -%}
    {%- set as_of_var = var('as_of', none) or (env_var('OUTREACH_AS_OF', '') if execute else none) -%}
    {%- if command != 'test' or (as_of_var is not none and as_of_var | string | trim != '') -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set data_tests = [] -%}
    {%- for unique_id in (selected_resources or []) if unique_id.startswith('test.') -%}
        {%- do data_tests.append(unique_id) -%}
    {%- endfor -%}
    {%- if selected_resources and not data_tests -%}
        {{- return('select 1') -}}
    {%- endif -%}
    {%- set built_as_of = none -%}
    {%- set gates = graph.nodes.get('model.' ~ project_name ~ '.int_decisions_gated') -%}
    {%- set gated = adapter.get_relation(
        database=gates.database, schema=gates.schema, identifier=gates.alias
    ) if gates else none -%}
    {%- if gated is not none -%}
        {%- set built_as_of = run_query(
            "select to_char(max(decided_at) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"') from "
            ~ gated
        ).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if built_as_of is none -%}
        {%- set advice = "No build has run yet, so there is nothing to test: build first (`python -m pressure_outreach build`)." -%}
    {%- else -%}
        {%- set advice = "The tables on disk were built at as_of " ~ built_as_of ~ ". Test them with "
            ~ "`python -m pressure_outreach test`, or with `dbt test --vars '{\"as_of\": \"" ~ built_as_of
            ~ "\"}'` plus any other vars that build had." -%}
    {%- endif -%}
    {%- do exceptions.raise_compiler_error(
        "dbt test checks a build at that build's as_of, and this one has no as_of var ("
        ~ (data_tests | length ~ " data tests selected" if data_tests else "a retried test")
        ~ "; without the var they would judge the tables at the moment this command started). "
        ~ advice ~ " Nothing was tested."
    ) -%}
{%- endmacro %}
