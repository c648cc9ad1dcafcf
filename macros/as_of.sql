{#-
    The evaluation instant of docs/rulebook.md §0, as a timestamptz SQL expression:

    1. the `as_of` var, else the OUTREACH_AS_OF environment variable (how the production
       command passes it: a new as_of in --vars would make dbt parse the whole project again,
       an environment variable read only while nodes run does not), validated by
       as_of_problem: an ISO-8601 instant with an explicit offset, or the run stops with
       the expected format before anything is touched (the first caller is on-run-start);
    2. in a `dbt test` given neither: the as_of of the last complete run in the run log,
       the run whose tables are on disk (start_run checked there is one, and said which);
    3. otherwise the moment this dbt invocation started.

    Every model and test that reads time calls this macro, never now(), so a run with a
    fixed as_of is reproducible byte for byte.
-#}
{% macro as_of() -%}
    {%- set given = var('as_of', none) -%}
    {%- if (given is none or given | string | trim == '') and execute -%}
        {%- set given = env_var('OUTREACH_AS_OF', '') -%}
    {%- endif -%}
    {%- set given = given | string | trim if given is not none else '' -%}
    {%- if given != '' -%}
        {%- if execute -%}
            {%- set problem = as_of_problem(given) -%}
            {%- if problem -%}
                {{ exceptions.raise_compiler_error(problem) }}
            {%- endif -%}
        {%- endif -%}
        cast('{{ given | replace("'", "") }}' as timestamptz)
    {%- elif execute and flags.WHICH == 'test' -%}
        (select as_of from {{ run_log_relation() }} where is_complete order by started_at desc limit 1)
    {%- else -%}
        cast('{{ run_started_at.isoformat() }}' as timestamptz)
    {%- endif -%}
{%- endmacro %}
