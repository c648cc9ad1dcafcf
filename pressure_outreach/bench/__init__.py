"""The benchmark (``python -m pressure_outreach.bench``, ``make bench``), by concern:

``cli`` the options and the run over the scales; ``run`` one scale (a fresh database, the
generator, the production build, the baseline, the next day); ``scenario`` the next day's
data (new signals, a day of send_events), made by the data generator's code; ``measure``
wall time, memory and dbt's run results; ``estimate`` disk and time before a scale runs,
skips, cost per company and the targets' verdicts; ``report`` the table, the Markdown and
the JSON's text.
"""
