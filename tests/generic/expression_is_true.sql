{#-
    Fails for every row where `expression` is not true. Narrow the rows with the test's
    `where` config, e.g. `config: {where: "is_valid"}`.
-#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
