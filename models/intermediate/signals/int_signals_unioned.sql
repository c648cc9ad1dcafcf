{#-
    Every movement signal a company has at as_of, one row per signal id: the three hubs'
    valid rows plus the renewal and executive bridges. Rows dated after as_of do not exist
    for this run; a signal id delivered more than once, by one hub, several, or a hub and a
    bridge, counts once: the copy with the latest created_at, then the greatest magnitude
    (docs/rulebook.md §1, §9). `is_active` is detected_at <= as_of < expires_at.
-#}
with

hub_signals as (

    {% for hub in ['dol', 'people', 'blog'] -%}
        select
            signal_id,
            outreach_id,
            signal_domain,
            signal_type,
            pressure_class,
            magnitude,
            evidence,
            detected_at,
            expires_at,
            created_at,
            'hub' as signal_origin,
            cast(null as date) as renewal_date
        from {{ ref('stg_' ~ hub ~ '__pressure_signals') }}
        where
            is_valid
            and detected_at <= {{ as_of() }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

renewal_signals as (

    select * from {{ ref('int_renewal_signals_derived') }}

),

executive_signals as (

    select * from {{ ref('int_executive_signals_derived') }}

),

-- A bridge signal has no created_at, so a hub row delivering the same id (a hub that
-- derives the bridge itself, with the ids of docs/rulebook.md §1) is the copy kept.
unioned as (

    select * from hub_signals
    union all
    select
        signal_id,
        outreach_id,
        signal_domain,
        signal_type,
        pressure_class,
        magnitude,
        evidence,
        detected_at,
        expires_at,
        cast(null as timestamptz) as created_at,
        'renewal_bridge' as signal_origin,
        renewal_date
    from renewal_signals
    union all
    select
        signal_id,
        outreach_id,
        signal_domain,
        signal_type,
        pressure_class,
        magnitude,
        evidence,
        detected_at,
        expires_at,
        cast(null as timestamptz) as created_at,
        'executive_bridge' as signal_origin,
        renewal_date
    from executive_signals

),

-- Each hub holds at most one valid copy of an id (staging flags the others), so a hub's
-- copies of an id beyond the kept one are the rows of that hub this resolution drops;
-- rpt_data_quality counts them as DUPLICATE_SIGNAL_ID of their hub.
ranked as (

    select
        *,
        row_number() over by_id_kept_first as copy_rank,
        count(*) filter (where signal_origin = 'hub' and signal_domain = 'DOL') over by_id as dol_hub_copies,
        count(*) filter (where signal_origin = 'hub' and signal_domain = 'PEOPLE') over by_id as people_hub_copies,
        count(*) filter (where signal_origin = 'hub' and signal_domain = 'BLOG') over by_id as blog_hub_copies
    from unioned
    window
        by_id as (partition by signal_id),
        by_id_kept_first as (by_id order by {{ signal_copy_order() }}, signal_origin, signal_domain)

),

final as (

    select
        signal_id,
        outreach_id,
        signal_domain,
        signal_type,
        pressure_class,
        magnitude,
        evidence,
        detected_at,
        expires_at,
        signal_origin,
        renewal_date,
        detected_at <= {{ as_of() }} and {{ as_of() }} < expires_at as is_active,
        dol_hub_copies
        - case when signal_origin = 'hub' and signal_domain = 'DOL' then 1 else 0 end as dol_copies_dropped,
        people_hub_copies
        - case when signal_origin = 'hub' and signal_domain = 'PEOPLE' then 1 else 0 end as people_copies_dropped,
        blog_hub_copies
        - case when signal_origin = 'hub' and signal_domain = 'BLOG' then 1 else 0 end as blog_copies_dropped
    from ranked
    where copy_rank = 1

)

select * from final
