{#- Whole days from one instant to a later one, between their UTC calendar dates (docs/rulebook.md §0). -#}
{% macro days_between(earlier, later) -%}
    ({{ utc_date(later) }} - {{ utc_date(earlier) }})
{%- endmacro %}
