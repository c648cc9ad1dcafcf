{#-
    A duplicated slot (the same company and slot type twice) or a duplicated slot id is a
    bad row in every copy: which copy is true is unknown, so the slot counts as not filled
    (docs/rulebook.md §4). Duplicates are judged among the rows that pass the other checks.
    A slot that is not a duplicate but names a person people_master does not hold is flagged
    MISSING_PERSON: it could never count as filled, and rpt_data_quality counts it.
-#}
with

source as (

    select * from {{ source('people', 'company_slot') }}

),

spine as (

    {{ spine_outreach_ids() }}

),

known_people as (

    select distinct unique_id as person_unique_id
    from {{ source('people', 'people_master') }}
    where unique_id is not null

),

renamed as (

    select
        source.slot_id,
        source.outreach_id,
        source.slot_type,
        source.person_unique_id,
        source.is_filled,
        source.filled_at,
        source.confidence_score,
        source.created_at,
        source.updated_at,
        {{ quarantine_reason([
            ("source.slot_id is null", "NULL_SLOT_ID"),
            ("source.outreach_id is null", "NULL_OUTREACH_ID"),
            ("spine.outreach_id is null", "ORPHAN_OUTREACH_ID"),
            ("source.slot_type is null", "NULL_SLOT_TYPE"),
            ("source.slot_type not in " ~ sql_list(var('slot_types')), "UNKNOWN_SLOT_TYPE"),
        ]) }} as row_reason
    from source
    left join spine
        on source.outreach_id = spine.outreach_id

),

counted as (

    select
        *,
        count(*) filter (where row_reason is null)
            over (partition by outreach_id, slot_type) as slot_copies,
        count(*) filter (where row_reason is null)
            over (partition by slot_id) as slot_id_copies
    from renamed

),

-- The person check comes after the window functions on purpose: below them, every
-- parallel worker read the whole of people_master and built its own set of its ids
-- (three full reads at a million companies); here the set is built once.
checked as (

    select
        counted.*,
        counted.person_unique_id is not null and known_people.person_unique_id is null as is_person_missing
    from counted
    left join known_people
        on counted.person_unique_id = known_people.person_unique_id

),

flagged as (

    select
        *,
        coalesce(
            row_reason,
            {{ quarantine_reason([
                ("slot_copies > 1", "DUPLICATE_SLOT"),
                ("slot_id_copies > 1", "DUPLICATE_SLOT_ID"),
                ("is_person_missing", "MISSING_PERSON"),
            ]) }}
        ) as invalid_reason
    from checked

),

final as (

    select
        slot_id,
        outreach_id,
        slot_type,
        person_unique_id,
        is_filled,
        filled_at,
        confidence_score,
        created_at,
        updated_at,
        invalid_reason,
        invalid_reason is null as is_valid
    from flagged

)

select * from final
