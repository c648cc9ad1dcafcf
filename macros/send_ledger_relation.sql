{#-
    The Execution Hub's ledger of send attempts, one row per message it claimed
    (`send_attempts` in the target's execution schema, beside the run log). The sender
    (pressure_outreach/hub/sender.py) claims a message by inserting its row, which only one
    sender can do, and records the outcome there; a claimed row without an outcome is a send
    whose result is unknown, never retried (docs/rulebook.md §10: at most once). The opt-out
    endpoint marks an unsubscribe on it once. start_run creates it (a view reads it, so it
    must exist before the models), and on the prod target grants the hub role what it needs
    on it: read it, claim, record. Declared as the source execution_history.send_attempts.
-#}
{% macro send_ledger_relation() -%}
    {%- set schema = generate_schema_name('execution', none) | trim -%}
    {{ return(api.Relation.create(database=target.database, schema=schema, identifier='send_attempts')) }}
{%- endmacro %}
