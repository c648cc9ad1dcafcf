"""The project's own generic tests (tests/generic/), run by dbt on small inline tables:
each must report exactly the offending rows and nothing on clean data. A generic test that
returned no rows whatever its input would pass every build and guard nothing."""

from __future__ import annotations

import json

import support
from pressure_outreach import dbt as dbt_runner

# (case, generic test call): `model` is any relation text, here a VALUES list.
CASES = {
    "key_with_a_duplicate_and_a_null": (
        "test_unique_and_not_null(model='(values (1), (2), (2), (3), (null::integer)) as t (k)', column_name='k')"
    ),
    "key_clean": "test_unique_and_not_null(model='(values (1), (2), (3)) as t (k)', column_name='k')",
    "combination_repeated": (
        "test_unique_combination(model=\"(values (1, 'a'), (1, 'b'), (1, 'a'), (2, 'a')) as t (k, s)\","
        " columns=['k', 's'])"
    ),
    "combination_clean": (
        "test_unique_combination(model=\"(values (1, 'a'), (1, 'b'), (2, 'a')) as t (k, s)\", columns=['k', 's'])"
    ),
    "expression_false_or_null": (
        "test_expression_is_true(model='(values (1), (5), (null::integer)) as t (k)', expression='k < 3')"
    ),
    "expression_clean": "test_expression_is_true(model='(values (1), (2)) as t (k)', expression='k < 3')",
}


def failing_rows(conn) -> dict[str, list[str]]:
    """One `dbt show` for every case (dbt's start-up is most of the cost): each case's
    failing rows as JSON text, labelled with the case."""
    inline = "\nunion all\n".join(
        f"select '{case}' as test_case, row_to_json(failures)::text as failure_row from ({{{{ {call} }}}}) as failures"
        for case, call in CASES.items()
    )
    previews: list[str] = []

    def keep_preview(event) -> None:
        if event.info.name == "ShowNode":
            previews.append(event.data.preview)

    target = support.dbt_target_path(conn)
    result = dbt_runner.invoke(
        ["show", "--inline", inline, "--limit", "100", "--output", "json", "-q", "--target-path", str(target)],
        environ={**conn.profile_environment(), "OUTREACH_AS_OF": support.DEMO_AS_OF.isoformat()},
        callbacks=(keep_preview,),
    )
    assert result.success and len(previews) == 1, result.exception
    rows: dict[str, list[str]] = {case: [] for case in CASES}
    for row in json.loads(previews[0]):
        rows[row["test_case"]].append(row["failure_row"])
    return {case: sorted(found) for case, found in rows.items()}


def test_each_generic_test_reports_exactly_the_offending_rows(conn_settings):
    assert failing_rows(conn_settings) == {
        "key_with_a_duplicate_and_a_null": [
            '{"key_value":2,"occurrences":2}',
            '{"key_value":null,"occurrences":1}',
        ],
        "key_clean": [],
        "combination_repeated": ['{"k":1,"s":"a","occurrences":2}'],
        "combination_clean": [],
        "expression_false_or_null": ['{"k":5}', '{"k":null}'],
        "expression_clean": [],
    }
