{#- A list of strings (a var such as `slot_types`) as a SQL literal list: ('CEO', 'CFO', 'HR'). -#}
{% macro sql_list(values) -%}
    ({% for value in values %}{{ sql_text(value) }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
