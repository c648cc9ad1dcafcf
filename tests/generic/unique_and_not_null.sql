{#-
    A key column: present on every row and on no two rows. One scan instead of the two that
    `unique` and `not_null` would each make. Fails with one row per offending value: the
    null value (if any row lacks it) and every value that occurs more than once.
-#}
{% test unique_and_not_null(model, column_name) %}

select
    {{ column_name }} as key_value,
    count(*) as occurrences
from {{ model }}
group by {{ column_name }}
having count(*) > 1 or {{ column_name }} is null

{% endtest %}
