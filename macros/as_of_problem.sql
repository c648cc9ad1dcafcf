{#-
    Why `text` is not an acceptable as_of, or '' when it is. The only form accepted is an
    ISO-8601 instant with an explicit offset: YYYY-MM-DDTHH:MM[:SS[.ffffff]] followed by Z
    or ±HH:MM (a space may stand for the T), naming a real calendar instant. PostgreSQL
    would also read `yesterday`, `now` or a date without a zone (in the server's time
    zone): a moving or ambiguous instant is no evaluation time, so those are refused here,
    with the expected format, before anything is built. The CLI applies the same rule
    (pressure_outreach/settings.py: parse_as_of).
-#}
{% macro as_of_problem(text) -%}
    {%- set pattern = '(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,6})?)?(?:Z|([+-])(\\d{2}):(\\d{2}))' -%}
    {%- set found = modules.re.fullmatch(pattern, text) -%}
    {%- set ok = found is not none -%}
    {%- if ok -%}
        {%- set year, month, day = found.group(1) | int, found.group(2) | int, found.group(3) | int -%}
        {%- set hour, minute, second = found.group(4) | int, found.group(5) | int, (found.group(6) or '0') | int -%}
        {%- set offset_hours, offset_minutes = (found.group(8) or '0') | int, (found.group(9) or '0') | int -%}
        {%- set month_ok = 1 <= month <= 12 and year >= 1 -%}
        {%- if month_ok -%}
            {%- set next_month = modules.datetime.date(year + month // 12, month % 12 + 1, 1) -%}
            {%- set month_days = (next_month - modules.datetime.timedelta(days=1)).day -%}
        {%- endif -%}
        {%- set ok = month_ok and 1 <= day <= month_days and hour <= 23 and minute <= 59 and second <= 59
            and offset_hours <= 23 and offset_minutes <= 59 -%}
    {%- endif -%}
    {%- if ok -%}
        {{- return('') -}}
    {%- endif -%}
    {{- return(
        "as_of must be an ISO-8601 instant with an explicit offset, e.g. 2026-02-07T12:00:00+00:00 "
        ~ "(or 2026-02-07T12:00:00Z); got '" ~ text ~ "'. A moving instant (now, yesterday), a date "
        ~ "without a time zone or an impossible date is not accepted. Nothing was built or changed."
    ) -}}
{%- endmacro %}
