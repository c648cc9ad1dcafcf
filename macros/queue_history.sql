{#-
    The rows already in the send queue that were queued before as_of (RULES.md §9: rows
    with queued_at = as_of belong to this run, so a re-run reproduces its own decisions);
    with this_run=true, the rows queued at as_of instead: what an earlier build of this same
    run already appended. The queue is this project's own append-only output, read back
    here by relation lookup rather than ref() (a ref would be a cycle). Before the first
    run it does not exist and the history is empty.
-#}
{% macro queue_history(columns, this_run=false) -%}
    {%- set queue = none -%}
    {%- if execute -%}
        {%- set queue = adapter.get_relation(
            database=target.database,
            schema=var('execution_schema', 'execution'),
            identifier='send_queue'
        ) -%}
    {%- endif -%}
    {%- if queue is not none -%}
        select {{ columns | join(', ') }}
        from {{ queue }}
        where queued_at {{ '=' if this_run else '<' }} {{ as_of() }}
    {%- else -%}
        select
            cast(null as text) as message_id,
            cast(null as uuid) as outreach_id,
            cast(null as text) as pressure_class,
            cast(null as timestamptz) as queued_at
        where false
    {%- endif -%}
{%- endmacro %}
