{#-
    The set of companies of the spine, for the orphan check of staging models (a row about
    a company the spine does not know is a bad row): the valid rows of
    stg_outreach__companies, which hold each non-null outreach_id of the source exactly once
    (a repeated id keeps one valid copy). Reading the staged table rather than de-duplicating
    the source again saves every staging model an aggregate over the whole spine.
-#}
{% macro spine_outreach_ids() -%}
    select outreach_id
    from {{ ref('stg_outreach__companies') }}
    where is_valid
{%- endmacro %}
