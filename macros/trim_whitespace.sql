{#-
    Text without surrounding white space (space, tab, line feed, carriage return, form
    feed, vertical tab, written \x0b: PostgreSQL's E'' strings have no \v and would read it
    as the letter v); blank becomes NULL. The six characters are spelled out rather than
    matched with the regular expression \s: the result is the same whatever the database's
    locale, and btrim costs a fraction of a regular expression on every row of the largest
    staging tables (BENCHMARKS.md).
-#}
{% macro trim_whitespace(column) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'pressure_outreach')(column)) }}
{%- endmacro %}

{% macro default__trim_whitespace(column) -%}
    nullif(btrim({{ column }}, E' \t\n\r\f\x0b'), '')
{%- endmacro %}
