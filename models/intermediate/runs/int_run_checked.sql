{#-
    The run's checkpoint: one row naming the run (its dbt invocation id and as_of) that every
    mart waits for. It depends on every staging and intermediate model and every seed, so
    dbt builds it only after all of them were rebuilt by this run and every data test on
    them passed, the authorization invariants included (dbt holds a node back after a
    failing test only when the node descends from everything the test reads). send_queue and decision_log read it (and append
    only rows of the run it names: macros/queue_guard.sql), every reporting mart carries
    its run id and as_of: a run that fails anywhere before it changes nothing a reader of
    the execution or reporting schemas sees (docs/design_choices.md: a run is one unit).
    python_tests/test_invariants_guard_the_queue.py checks that every data test outside the
    marts can hold it back.
-#}
-- depends_on: {{ ref('band_caps') }}
-- depends_on: {{ ref('band_thresholds') }}
-- depends_on: {{ ref('executive_signals') }}
-- depends_on: {{ ref('message_footers') }}
-- depends_on: {{ ref('message_templates') }}
-- depends_on: {{ ref('product_first_phrases') }}
-- depends_on: {{ ref('renewal_magnitudes') }}
-- depends_on: {{ ref('signal_domains') }}
-- depends_on: {{ ref('slot_map') }}
-- depends_on: {{ ref('slot_waterfall') }}
-- depends_on: {{ ref('urgency_words') }}
-- depends_on: {{ ref('int_company_bands_scored') }}
-- depends_on: {{ ref('int_company_contacts_summarized') }}
-- depends_on: {{ ref('int_decisions_gated') }}
-- depends_on: {{ ref('int_domain_signals_aggregated') }}
-- depends_on: {{ ref('int_executive_signals_derived') }}
-- depends_on: {{ ref('int_message_statuses') }}
-- depends_on: {{ ref('int_messages_rendered') }}
-- depends_on: {{ ref('int_proof_lines_formed') }}
-- depends_on: {{ ref('int_queue_history') }}
-- depends_on: {{ ref('int_renewal_signals_derived') }}
-- depends_on: {{ ref('int_signals_unioned') }}
-- depends_on: {{ ref('int_slots_chosen') }}
-- depends_on: {{ ref('int_slots_resolved') }}
-- depends_on: {{ ref('int_suppressed_emails') }}
-- depends_on: {{ ref('int_template_parts_tokenized') }}
-- depends_on: {{ ref('stg_blog__pressure_signals') }}
-- depends_on: {{ ref('stg_cl__company_identities') }}
-- depends_on: {{ ref('stg_dol__pressure_signals') }}
-- depends_on: {{ ref('stg_execution__send_events') }}
-- depends_on: {{ ref('stg_outreach__bit_scores') }}
-- depends_on: {{ ref('stg_outreach__companies') }}
-- depends_on: {{ ref('stg_outreach__company_targets') }}
-- depends_on: {{ ref('stg_outreach__dol_filings') }}
-- depends_on: {{ ref('stg_outreach__exclusions') }}
-- depends_on: {{ ref('stg_outreach__manual_overrides') }}
-- depends_on: {{ ref('stg_people__company_slots') }}
-- depends_on: {{ ref('stg_people__people') }}
-- depends_on: {{ ref('stg_people__pressure_signals') }}
-- depends_on: {{ ref('stg_people__slot_assignments') }}

with

decisions as (

    select decision_reason
    from {{ ref('int_decisions_gated') }}

),

messages as (

    select message_id
    from {{ ref('int_messages_rendered') }}

),

final as (

    select
        {{ run_columns() }},
        '{{ target.name }}' as target_name,
        {{ var('daily_queue_limit') }} as daily_queue_limit,
        (select count(*) from decisions) as companies_decided,
        (select count(*) from messages) as messages_authorized

)

select * from final
