"""The project's own generic tests (tests/generic/), run by dbt on small inline tables:
each must report exactly the offending rows and nothing on clean data. A generic test that
returned no rows whatever its input would pass every build and guard nothing."""

from __future__ import annotations

import json

import support

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
    result = support.run_dbt(
        conn,
        ["show", "--inline", inline, "--limit", "100", "--output", "json", "--log-format", "json", "-q"],
        support.DEMO_AS_OF,
    )
    shown = next(
        json.loads(event["data"]["preview"])
        for event in map(json.loads, result.stdout.splitlines())
        if event.get("info", {}).get("name") == "ShowNode"
    )
    rows: dict[str, list[str]] = {case: [] for case in CASES}
    for row in shown:
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
