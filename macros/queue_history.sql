{#-
    What this project already appended to its own append-only marts, read back as history
    through the sources `execution_history.send_queue` and `execution_history.decision_log`
    (models/marts/execution/_execution__sources.yml): a ref() would be a cycle, and a
    source keeps the read on the lineage graph. Before the first run a mart does not exist
    yet, and its history is empty.

    queue_history: the send-queue rows queued before as_of (docs/rulebook.md §9: rows with
    queued_at = as_of belong to this run, so a re-run reproduces its own decisions); with
    this_run=true, the rows queued at as_of instead, what an earlier build of this same run
    already appended. decision_log_history: the same for the decision log (decided_at).
-#}
{% macro queue_history(columns, this_run=false) -%}
    {{ execution_history(
        source('execution_history', 'send_queue'),
        'queued_at',
        columns,
        {'message_id': 'text', 'outreach_id': 'uuid', 'pressure_class': 'text', 'queued_at': 'timestamptz'},
        this_run
    ) }}
{%- endmacro %}

{% macro decision_log_history(columns, this_run=false) -%}
    {{ execution_history(
        source('execution_history', 'decision_log'),
        'decided_at',
        columns,
        {'outreach_id': 'uuid', 'decision_reason': 'text', 'message_id': 'text', 'decided_at': 'timestamptz'},
        this_run
    ) }}
{%- endmacro %}

{#-
    `history` is the source relation; source() is called above whether or not dbt is
    executing, so the dependency is recorded at parse time. The table is looked up before
    it is read: `types` gives each column's type for the empty result before it exists.
-#}
{% macro execution_history(history, time_column, columns, types, this_run) -%}
    {%- set existing = none -%}
    {%- if execute -%}
        {#- the source must name the table its model writes, or the history would be another table's -#}
        {%- set mart = graph.nodes.get('model.' ~ project_name ~ '.' ~ history.identifier) -%}
        {%- if mart is none or [mart.database, mart.schema, mart.alias] != [history.database, history.schema, history.identifier] -%}
            {{ exceptions.raise_compiler_error(
                "source " ~ history ~ " must name the table the model " ~ history.identifier ~ " writes ("
                ~ ((mart.database ~ '.' ~ mart.schema ~ '.' ~ mart.alias) if mart is not none else 'no such model')
                ~ "): keep the execution source's schema and the model's schema the same (the execution_schema var)"
            ) }}
        {%- endif -%}
        {%- set existing = adapter.get_relation(
            database=history.database,
            schema=history.schema,
            identifier=history.identifier
        ) -%}
    {%- endif -%}
    {%- if existing is not none -%}
        select {{ columns | join(', ') }}
        from {{ history }}
        where {{ time_column }} {{ '=' if this_run else '<' }} {{ as_of() }}
    {%- else -%}
        select
        {%- for column in columns %}
            cast(null as {{ types[column] }}) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
        where false
    {%- endif -%}
{%- endmacro %}
