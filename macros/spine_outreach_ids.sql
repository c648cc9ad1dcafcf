{#-
    The set of companies of the spine, read straight from the source, for the orphan check
    of staging models (a row about a company the spine does not know is a bad row).
-#}
{% macro spine_outreach_ids() -%}
    select distinct outreach_id
    from {{ source('outreach', 'outreach') }}
    where outreach_id is not null
{%- endmacro %}
