{#-
    Pre-hook of the two append-only marts, execution.send_queue and execution.decision_log
    (docs/rulebook.md §7): they are appended only by a `dbt build` that also runs every data
    test tagged queue_guard, the authorization invariants (tests/authorization/) and the
    feed check (tests/feeds/). dbt runs those tests first and skips both marts when one
    fails.

    Any other command that would append stops here, before a row is selected, and names
    the tests it left out: `dbt run -s send_queue`, `dbt build -s send_queue` (it selects
    no test of the models upstream), a build that excludes one of the tests, `dbt retry`.
    After a failed build int_messages_rendered still holds the messages the invariants
    rejected, and such a command would otherwise queue them. A full `dbt build` pays
    nothing for this: the check reads dbt's graph, not the data.
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
    {%- endif -%}
    select 1 /* queue_guard {{ this }} */
{%- endmacro %}
