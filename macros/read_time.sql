{#-
    The instant a send-time view is read at (docs/rulebook.md §10), unlike as_of(), the
    instant a build decided at: the statement's own time, or the `pressure_outreach.now`
    setting of the session when one is set (the sender sets it for a replay, such as the demo
    sending its February queue, or a test moving the clock; `python -m pressure_outreach send
    --now`). Used only by views evaluated when they are read.
-#}
{% macro read_time() -%}
    coalesce(cast(nullif(current_setting('pressure_outreach.now', true), '') as timestamptz), statement_timestamp())
{%- endmacro %}
