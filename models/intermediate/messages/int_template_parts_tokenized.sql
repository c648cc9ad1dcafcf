{#-
    Every message template (subject and body) and the footer, split into parts: literal
    text and the placeholder that follows it. `is_known_placeholder` is false for a name
    outside the `template_placeholders` var; such a part can never render.
-#}
with

templates as (

    select
        template_id,
        template_version,
        audience,
        pressure_class,
        subject,
        body
    from {{ ref('message_templates') }}

),

footers as (

    select
        footer_id,
        footer
    from {{ ref('message_footers') }}
    where footer_id = '{{ var("message_footer_id") }}'

),

texts as (

    select
        template_id,
        template_version,
        'subject' as template_field,
        subject as template_text
    from templates
    union all
    select
        template_id,
        template_version,
        'body' as template_field,
        body as template_text
    from templates
    union all
    select
        footer_id as template_id,
        1 as template_version,
        'footer' as template_field,
        footer as template_text
    from footers

),

final as (

    select
        texts.template_id,
        texts.template_version,
        texts.template_field,
        parts.part_index,
        parts.literal_text,
        parts.placeholder_name,
        parts.placeholder_name is null
        or parts.placeholder_name in {{ sql_list(var('template_placeholders')) }} as is_known_placeholder
    from texts
    cross join lateral {{ tokenize_template('texts.template_text') }} as parts

)

select * from final
