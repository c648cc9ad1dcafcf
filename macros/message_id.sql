{#-
    The deterministic id of a queued message (docs/rulebook.md §7): md5 of the company,
    slot, pressure class, proof and the as_of day, as a uuid in text form. The same decision
    on the same day always gets the same id, which the queue's unique constraint then holds
    to one row.
-#}
{% macro message_id(outreach_id, slot_type, pressure_class, proof_id) -%}
    cast({{ deterministic_uuid(
        "'message|' || cast(" ~ outreach_id ~ " as text) || '|' || " ~ slot_type
        ~ " || '|' || " ~ pressure_class ~ " || '|' || cast(" ~ proof_id ~ " as text) || '|' || "
        ~ "to_char(" ~ utc_date(as_of()) ~ ", 'YYYY-MM-DD')"
    ) }} as text)
{%- endmacro %}
