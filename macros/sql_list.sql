{#- A list of strings (a var such as `slot_types`) as a SQL literal list: ('CEO', 'CFO', 'HR'). -#}
{% macro sql_list(values) -%}
    ({% for value in values %}'{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}
