{#-
    An email address as every comparison must see it (docs/rulebook.md §9): surrounding
    white space (spaces, tabs, line breaks) removed, lowercased. Blank and NULL become NULL.
-#}
{% macro normalize_email(column) -%}
    lower({{ trim_whitespace(column) }})
{%- endmacro %}
