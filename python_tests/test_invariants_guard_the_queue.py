"""dbt build holds a node back after a failing test only when the node descends from
everything the test reads. On the project's manifest this checks that a failing
test anywhere before the marts holds every mart back:

- every data test that does not read a mart (the staging and intermediate tests, the
  seed tests and the authorization invariants of tests/authorization/) reads only what the
  run's checkpoint int_run_checked descends from, so it holds the checkpoint back;
- every mart (execution and reporting) descends from the checkpoint.

So a new model, seed or test that the checkpoint does not cover cannot silently let a
failed run change what a reader sees (docs/design_choices.md, "A run is one unit")."""

from __future__ import annotations

import json

import pytest

import support

CHECKPOINT = "model.pressure_outreach.int_run_checked"


def upstream(parent_map: dict[str, list[str]], node: str) -> set[str]:
    seen: set[str] = set()
    stack = list(parent_map.get(node, []))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(parent_map.get(current, []))
    return seen


@pytest.fixture(scope="module")
def manifest(conn_settings):
    """The manifest of this checkout (a `dbt parse` of its own: the graph, not the data)."""
    result = support.run_dbt(conn_settings, ["parse"], None)
    assert result.returncode == 0
    path = support.dbt_target_path(conn_settings) / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))


def marts(manifest) -> set[str]:
    return {
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }


def test_every_test_before_the_marts_holds_back_the_checkpoint(manifest):
    before = upstream(manifest["parent_map"], CHECKPOINT) | {CHECKPOINT}
    mart_ids = marts(manifest)
    tests = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and not set(node["depends_on"]["nodes"]) & mart_ids
    ]
    invariants = [t for t in tests if t["original_file_path"].startswith("tests/authorization/")]
    assert len(invariants) >= 10 and len(tests) > 100
    for test in tests:
        reads = set(test["depends_on"]["nodes"])
        assert reads <= before, f"{test['name']} reads {sorted(reads - before)}, which {CHECKPOINT} does not depend on"


def test_every_mart_waits_for_the_checkpoint(manifest):
    for mart in marts(manifest):
        if mart.endswith(".rpt_runs"):
            continue  # a view of the run log, which records every run as it goes
        assert CHECKPOINT in upstream(manifest["parent_map"], mart), mart


def test_the_reporting_marts_wait_for_the_queue_and_the_log(manifest):
    for mart in marts(manifest):
        if ".rpt_" in mart and not mart.endswith(".rpt_runs"):
            above = upstream(manifest["parent_map"], mart)
            assert {"model.pressure_outreach.send_queue", "model.pressure_outreach.decision_log"} <= above, mart
