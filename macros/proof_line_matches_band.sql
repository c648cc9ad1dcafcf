{#-
    True when `proof_line` has its band's format (RULES.md §3) for the given class, and, at
    band 5, the given decision window. Used by the proof and queue invariant tests.
-#}
{% macro proof_line_matches_band(band, pressure_class, proof_line, decision_window_days) -%}
    case {{ band }}
        when 3 then {{ proof_line }} ~ ('^' || {{ pressure_class }} || ' detected via (DOL|PEOPLE): \S.*$')
        when 4 then {{ proof_line }} ~ ('^' || {{ pressure_class }} || ' convergence: \S.* \+ \S.*$')
        when 5 then {{ proof_line }} ~ (
            '^PHASE TRANSITION: ' || {{ pressure_class }}
            || ' — \S.* \+ \S.* \+ \S.* — Decision window: ' || {{ decision_window_days }} || ' days$'
        )
        else false
    end
{%- endmacro %}
