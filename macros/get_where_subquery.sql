{#-
    dbt's own macro (it wraps the `model` of every generic test in its `where` config),
    overridden as dbt's docs describe for a placeholder that needs a macro: `__as_of__` in a
    test's `where` becomes this run's as_of. A yml config cannot call as_of() itself: dbt
    renders it at parse time, with vars but without the project's macros, and a parse is
    reused by later runs. The tests of the append-only decision log use it to check the
    rows this run appends, not the whole history again (earlier runs were checked when they
    were appended).
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where | replace('__as_of__', as_of()) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
