{#- The regular expression of one Jinja placeholder, `{{ name }}`, capturing the name. -#}
{% macro template_placeholder_pattern() -%}
    '\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}'
{%- endmacro %}
