{#-
    The two columns that name the run a model belongs to (docs/design_choices.md, a run is
    one unit): this dbt invocation, which is the run's row in execution.run_log, and the
    run's as_of. Every reporting mart starts its rows with them.
-#}
{% macro run_columns() -%}
    '{{ invocation_id }}' as run_id,
    {{ as_of() }} as as_of
{%- endmacro %}
