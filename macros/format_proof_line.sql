{#-
    The proof line of docs/rulebook.md §3, in the seed's three formats, character for
    character:

      band 3  <CLASS> detected via <SOURCE>: <EVIDENCE>
      band 4  <CLASS> convergence: <DOL> + <PEOPLE>[ + <BLOG>]
      band 5  PHASE TRANSITION: <CLASS> — <DOL> + <PEOPLE> + <BLOG> — Decision window: <N> days

    The band 5 dashes are U+2014 with a space each side. Arguments are SQL expressions;
    `blog_evidence` may be NULL at band 4 (then no "+ BLOG" part). Any other band gives NULL.
-#}
{% macro format_proof_line(
    band,
    pressure_class,
    primary_domain,
    primary_evidence,
    dol_evidence,
    people_evidence,
    blog_evidence,
    decision_window_days
) -%}
    case {{ band }}
        when 3
            then {{ pressure_class }} || ' detected via ' || {{ primary_domain }} || ': ' || {{ primary_evidence }}
        when 4
            then {{ pressure_class }} || ' convergence: ' || {{ dol_evidence }} || ' + ' || {{ people_evidence }}
            || coalesce(' + ' || {{ blog_evidence }}, '')
        when 5
            then 'PHASE TRANSITION: ' || {{ pressure_class }}
            || ' — ' || {{ dol_evidence }} || ' + ' || {{ people_evidence }} || ' + ' || {{ blog_evidence }}
            || ' — Decision window: ' || {{ decision_window_days }} || ' days'
    end
{%- endmacro %}
