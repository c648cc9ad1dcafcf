{#-
    Pre-hook of the append-only marts (send_queue, decision_log) and of the incremental
    reporting marts (rpt_decision_funnel and the histories: rpt_band_distribution,
    rpt_data_quality, rpt_engagement, rpt_decisions): one build at a time may write to
    these tables. It runs inside
    the model's transaction (dbt's default for a hook), so the lock is taken before the
    new rows are selected and held until they commit. A second build that arrives
    meanwhile waits, then selects after the first has committed: the append marts'
    `where not exists` sees the first build's rows and appends none of them twice, and
    the funnel's delete+insert replaces that run's rows instead of racing it. The lock
    is an advisory lock keyed by the relation's name, scoped to the transaction: it is
    released at commit, rollback or a lost connection, never leaked.
-#}
{% macro lock_for_append(relation) -%}
    {{ return(adapter.dispatch('lock_for_append', 'pressure_outreach')(relation)) }}
{%- endmacro %}

{% macro default__lock_for_append(relation) -%}
    select pg_advisory_xact_lock(hashtext('{{ relation }}')) /* lock_for_append {{ relation }} */
{%- endmacro %}
