{#- True when a proof cites the domains its band requires (band 3: DOL or PEOPLE; 4: DOL, PEOPLE[, BLOG]; 5: all three). -#}
{% macro proof_sources_match_band(band, proof_sources) -%}
    case {{ band }}
        when 3 then {{ proof_sources }} in (array['DOL'], array['PEOPLE'])
        when 4 then {{ proof_sources }} in (array['DOL', 'PEOPLE'], array['DOL', 'PEOPLE', 'BLOG'])
        when 5 then {{ proof_sources }} = array['DOL', 'PEOPLE', 'BLOG']
        else false
    end
{%- endmacro %}
