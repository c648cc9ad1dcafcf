with

source as (

    select * from {{ source('people', 'slot_assignment_history') }}

),

spine as (

    {{ spine_outreach_ids() }}

),

renamed as (

    select
        source.history_id,
        source.outreach_id,
        source.slot_type,
        source.person_unique_id,
        source.event_type,
        source.event_at,
        spine.outreach_id is not null as is_known_company,
        count(*) over (partition by source.history_id) as copies
    from source
    left join spine
        on source.outreach_id = spine.outreach_id

),

flagged as (

    select
        *,
        {{ quarantine_reason([
            ("history_id is null", "NULL_HISTORY_ID"),
            ("copies > 1", "DUPLICATE_HISTORY_ID"),
            ("outreach_id is null", "NULL_OUTREACH_ID"),
            ("not is_known_company", "ORPHAN_OUTREACH_ID"),
            ("slot_type is null or slot_type not in " ~ sql_list(var('slot_types')), "UNKNOWN_SLOT_TYPE"),
            ("event_type is null or event_type not in " ~ sql_list(var('slot_event_types')), "UNKNOWN_EVENT_TYPE"),
            ("event_at is null", "NULL_EVENT_AT"),
            ("not isfinite(event_at)", "NON_FINITE_EVENT_AT"),
        ]) }} as invalid_reason
    from renamed

),

final as (

    select
        history_id,
        outreach_id,
        slot_type,
        person_unique_id,
        event_type,
        event_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
