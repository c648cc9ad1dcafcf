{#-
    The reason a staging row breaks the source contract, or NULL when it keeps it.

    `checks` is a list of (condition, reason code) pairs, tried in order; the first
    condition that holds names the reason. Staging models expose it as `invalid_reason`
    and derive `is_valid`, so nothing downstream has to repeat a check.
-#}
{% macro quarantine_reason(checks) -%}
    case
        {%- for condition, reason in checks %}
        when {{ condition }} then '{{ reason }}'
        {%- endfor %}
    end
{%- endmacro %}
