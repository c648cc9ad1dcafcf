{#-
    The seed's select_slot as a ranking, for use over the filled slots of a company:
    the primary slot of the pressure class ranks first (0); otherwise slots rank in the
    fallback order CEO → CFO → HR (1, 2, 3). The filled slot with the lowest rank is chosen;
    no filled slot, no choice. `primary_slot` must already default unknown classes to CEO.
-#}
{% macro slot_waterfall_rank(slot_type, primary_slot, fallback_order) -%}
    case
        when {{ slot_type }} = {{ primary_slot }} then 0
        else {{ fallback_order }}
    end
{%- endmacro %}
