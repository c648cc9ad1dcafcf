{#-
    A key delivered more than once counts once (docs/rulebook.md §1, §9). Among the copies
    of a key that pass every other check (`row_reason` is null) and exist at as_of
    (`dated_column` at or before it), the first in `order_by` is kept and the others get
    `reason`; the copies that fail another check keep their own reason. Returns the body of
    one CTE over `from_cte` with `is_candidate`, `copy_rank` and `invalid_reason` added.
-#}
{% macro flag_duplicate_copies(from_cte, key, dated_column, order_by, reason) -%}
    select
        *,
        coalesce(
            row_reason,
            {{ quarantine_reason([
                ("is_candidate and copy_rank > 1", reason),
            ]) }}
        ) as invalid_reason
    from (
        select
            *,
            row_reason is null and {{ dated_column }} <= {{ as_of() }} as is_candidate,
            row_number() over (
                partition by {{ key }}, row_reason is null and {{ dated_column }} <= {{ as_of() }}
                order by {{ order_by }}
            ) as copy_rank
        from {{ from_cte }}
    ) as ranked
{%- endmacro %}


{#-
    Which copy of a pressure signal wins: the latest created_at, then the greatest
    magnitude, then a fixed text order. Staging applies it within a hub, int_signals_unioned
    across the three hubs, so both keep the same copy.
-#}
{% macro signal_copy_order() -%}
    created_at desc nulls last,
    magnitude desc,
    cast(outreach_id as text) collate "C",
    evidence collate "C"
{%- endmacro %}
