{#-
    What this project already appended to its own append-only marts, read back by relation
    lookup rather than ref() (a ref would be a cycle). Before the first run a mart does not
    exist and its history is empty.

    queue_history: the send-queue rows queued before as_of (docs/rulebook.md §9: rows with
    queued_at = as_of belong to this run, so a re-run reproduces its own decisions); with
    this_run=true, the rows queued at as_of instead, what an earlier build of this same run
    already appended. decision_log_history: the same for the decision log (decided_at).
-#}
{% macro queue_history(columns, this_run=false) -%}
    {{ execution_history(
        'send_queue',
        'queued_at',
        columns,
        {'message_id': 'text', 'outreach_id': 'uuid', 'pressure_class': 'text', 'queued_at': 'timestamptz'},
        this_run
    ) }}
{%- endmacro %}

{% macro decision_log_history(columns, this_run=false) -%}
    {{ execution_history(
        'decision_log',
        'decided_at',
        columns,
        {'outreach_id': 'uuid', 'decision_reason': 'text', 'message_id': 'text', 'decided_at': 'timestamptz'},
        this_run
    ) }}
{%- endmacro %}

{#- `types` gives each column's type for the empty result before the mart exists. -#}
{% macro execution_history(identifier, time_column, columns, types, this_run) -%}
    {%- set mart = none -%}
    {%- if execute -%}
        {%- set mart = adapter.get_relation(
            database=target.database,
            schema=var('execution_schema', 'execution'),
            identifier=identifier
        ) -%}
    {%- endif -%}
    {%- if mart is not none -%}
        select {{ columns | join(', ') }}
        from {{ mart }}
        where {{ time_column }} {{ '=' if this_run else '<' }} {{ as_of() }}
    {%- else -%}
        select
        {%- for column in columns %}
            cast(null as {{ types[column] }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        where false
    {%- endif -%}
{%- endmacro %}
