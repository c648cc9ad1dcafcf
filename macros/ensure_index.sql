{#-
    Post-hook for an append-only table that keeps growing: a b-tree index on `columns`,
    created the first time and left alone afterwards. dbt's `indexes` config would build it
    only when the table is (re)created, and these tables are never re-created
    (full_refresh=false), so a table that existed before the index was introduced would
    never get it. The name is the table's plus the columns', within PostgreSQL's 63 bytes.
-#}
{% macro ensure_index(relation, columns) -%}
    {%- set name = (relation.identifier ~ '__' ~ columns | join('__'))[:59] ~ '_idx' -%}
    create index if not exists {{ adapter.quote(name) }}
    on {{ relation }} ({{ columns | join(', ') }})
{%- endmacro %}
