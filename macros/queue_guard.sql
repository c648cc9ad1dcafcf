{#-
    Pre-hook of the two append-only marts, execution.send_queue and execution.decision_log
    (docs/rulebook.md §7). They append only what this very run decided:

    1. Only a `dbt build` that also runs every data test tagged queue_guard (the
       authorization invariants, tests/authorization/) appends; dbt runs those tests first
       and skips both marts when one fails. Any other command stops here, before a row is
       selected, naming the tests it left out: `dbt run -s send_queue`, `dbt build -s
       send_queue` (no test of the models upstream), a build that excludes one of the
       tests, `dbt retry`. The check reads dbt's graph, not the data.
    2. The run's checkpoint (int_run_checked) must have been built by this invocation at
       this as_of: a narrow build (`dbt build -s send_queue decision_log tag:queue_guard`)
       would otherwise append from the tables an earlier run left, a run that may have
       failed and whose rejected messages are still in int_messages_rendered.
-#}
{% macro queue_guard() -%}
    {{ return(adapter.dispatch('queue_guard', 'pressure_outreach')()) }}
{%- endmacro %}

{% macro default__queue_guard() -%}
    {%- if execute -%}
        {%- set guards = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'test' and 'queue_guard' in node.tags -%}
                {%- do guards.append(node) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set left_out = [] -%}
        {%- for node in guards | sort(attribute='name') -%}
            {%- if node.unique_id not in selected_resources -%}
                {%- do left_out.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- dbt retry runs as the command it retries (flags.WHICH), with a selection of its own -#}
        {%- set command = invocation_args_dict.get('which', flags.WHICH) -%}
        {%- if not guards or command != 'build' or left_out -%}
            {{ exceptions.raise_compiler_error(
                this.schema ~ "." ~ this.identifier ~ " is appended only by a dbt build that also runs the tests guarding it"
                ~ " (tag:queue_guard, " ~ guards | length ~ " tests); this `dbt " ~ command ~ "` would"
                ~ " append without "
                ~ (left_out | join(', ') if command == 'build' and left_out else 'them')
                ~ ". Nothing was appended. Run `python -m pressure_outreach build`, or `dbt build` with a"
                ~ " selection that includes them, e.g. `dbt build --select +send_queue +decision_log`."
            ) }}
        {%- endif -%}
        {%- set checkpoint = run_query(
            "select run_id, to_char(as_of at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') as as_of, as_of = "
            ~ as_of() ~ " as is_this_as_of from " ~ ref('int_run_checked')
        ).rows -%}
        {%- if checkpoint | length != 1 or checkpoint[0]['run_id'] != invocation_id or not checkpoint[0]['is_this_as_of'] -%}
            {{ exceptions.raise_compiler_error(
                this.schema ~ "." ~ this.identifier ~ " appends only what this run decided, and the run's checkpoint "
                ~ ref('int_run_checked') ~ " was not built by it ("
                ~ ("it names run " ~ checkpoint[0]['run_id'] ~ " at as_of " ~ checkpoint[0]['as_of'] ~ " UTC"
                   if checkpoint | length == 1 else "it is empty")
                ~ "): the tables it would append from were left by an earlier run. Nothing was appended. Build"
                ~ " the whole run: `python -m pressure_outreach build`, or `dbt build`."
            ) }}
        {%- endif -%}
    {%- endif -%}
    select 1 /* queue_guard {{ this }} */
{%- endmacro %}
