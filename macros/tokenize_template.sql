{#-
    Split a template text into parts, one row per part: the literal text before the n-th
    placeholder and the placeholder's name (NULL after the last one). Rendering then joins
    each part's literal with its placeholder's value in one pass, so a value is never read
    as a template again: a company called `{{ x }}` stays `{{ x }}`.

    Use in a FROM clause: `from templates cross join lateral {{ tokenize_template('body') }} as parts`
    gives parts.part_index, parts.literal_text, parts.placeholder_name.
-#}
{% macro tokenize_template(text_column) -%}
    {{ return(adapter.dispatch('tokenize_template', 'pressure_outreach')(text_column)) }}
{%- endmacro %}

{% macro default__tokenize_template(text_column) -%}
    (
        select
            literal.part_index,
            literal.literal_text,
            placeholder.matched[1] as placeholder_name
        from unnest(regexp_split_to_array({{ text_column }}, {{ template_placeholder_pattern() }}))
            with ordinality as literal (literal_text, part_index)
        left join (
            select
                matches.matched,
                matches.part_index
            from regexp_matches({{ text_column }}, {{ template_placeholder_pattern() }}, 'g')
                with ordinality as matches (matched, part_index)
        ) as placeholder
            on literal.part_index = placeholder.part_index
    )
{%- endmacro %}
