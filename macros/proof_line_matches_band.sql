{#-
    True when `proof_line` has its band's format (docs/rulebook.md §3) for the given class,
    and, at band 5, the given decision window. Used by the proof and queue invariant tests.

    Each cited evidence starts with a character that is not white space in the sense of
    `trim_whitespace` (space, tab, line feed, carriage return, form feed, vertical tab), the
    set staging trims. Not `\S`: what that matches depends on the database's locale, and
    under a UTF-8 one an evidence opening with an ideographic or em space (kept by staging,
    as it is text) would fail this check and hold back the whole day's queue.
-#}
{% macro proof_line_matches_band(band, pressure_class, proof_line, decision_window_days) -%}
    {%- set evidence = "[^ \\t\\n\\r\\f\\v].*" -%}
    case {{ band }}
        when 3 then {{ proof_line }} ~ ('^' || {{ pressure_class }} || ' detected via (DOL|PEOPLE): {{ evidence }}$')
        when 4 then {{ proof_line }} ~ ('^' || {{ pressure_class }} || ' convergence: {{ evidence }} \+ {{ evidence }}$')
        when 5 then {{ proof_line }} ~ (
            '^PHASE TRANSITION: ' || {{ pressure_class }}
            || ' — {{ evidence }} \+ {{ evidence }} \+ {{ evidence }} — Decision window: '
            || {{ decision_window_days }} || ' days$'
        )
        else false
    end
{%- endmacro %}
