{#-
    The Execution Hub's feed must be current before anything is built: unsubscribes,
    complaints and hard bounces reach suppression only through execution.send_events, and
    CAN-SPAM gives an opt-out 10 business days. start_run calls this before the first model
    of a `dbt build` or `dbt run`: when the newest event at or before as_of is more than
    `send_events_max_age_hours` older than as_of, the run stops there, before any table is
    rebuilt, saying what it found and what to do. An empty feed passes (on the very first
    run the hub has nothing to report); a var of null switches the check off. The feed's
    clock is event_at (the contract has no load timestamp). Returns the reason the run
    must stop, or '' when the feed is current.
-#}
{% macro check_send_events_feed() -%}
    {%- set max_age_hours = var('send_events_max_age_hours', none) -%}
    {%- if max_age_hours is none -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set events = source('execution', 'send_events') -%}
    {%- set found = adapter.get_relation(database=events.database, schema=events.schema, identifier=events.identifier) -%}
    {%- if found is none -%}
        {{- return(
            "The Execution Hub's feed " ~ events ~ " could not be checked: it does not exist or is not "
            ~ "readable. Nothing was built or changed: without knowing that the hub's opt-outs have been "
            ~ "read, nobody is mailed. Create or grant it (docs/source_contract.md) and run again."
        ) -}}
    {%- endif -%}
    {%- set feed = run_query(
        "select to_char(max(event_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as newest,"
        ~ " coalesce(max(event_at) < " ~ as_of() ~ " - " ~ max_age_hours ~ " * interval '1 hour', false) as is_stale"
        ~ " from " ~ events ~ " where event_at <= " ~ as_of() ~ " and isfinite(event_at)"
    ).rows[0] -%}
    {%- if not feed['is_stale'] -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set as_of_text = run_query("select to_char(" ~ as_of() ~ " at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')").columns[0].values()[0] -%}
    {{- return(
        "The Execution Hub's send_events feed is stale: its newest event at or before as_of ("
        ~ as_of_text ~ " UTC) is at " ~ feed['newest'] ~ " UTC, more than " ~ max_age_hours
        ~ " hours earlier (the send_events_max_age_hours var). Nothing was built or changed: an opt-out "
        ~ "nobody has read must not be mailed again. Load the hub's events and run again (on the generated "
        ~ "demo data, whose events end on 2026-02-07: --as-of 2026-02-08T12:00:00+00:00)."
    ) -}}
{%- endmacro %}
