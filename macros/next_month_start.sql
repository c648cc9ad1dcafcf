{#-
    The first day of `month` (1–12) on or after `from_date`: this year's when it has not
    passed (the day itself counts), otherwise next year's. Used for the next renewal date.
-#}
{% macro next_month_start(from_date, month) -%}
    {{ return(adapter.dispatch('next_month_start', 'pressure_outreach')(from_date, month)) }}
{%- endmacro %}

{% macro default__next_month_start(from_date, month) -%}
    case
        when make_date(cast(extract(year from {{ from_date }}) as integer), {{ month }}, 1) >= {{ from_date }}
            then make_date(cast(extract(year from {{ from_date }}) as integer), {{ month }}, 1)
        else make_date(cast(extract(year from {{ from_date }}) as integer) + 1, {{ month }}, 1)
    end
{%- endmacro %}
