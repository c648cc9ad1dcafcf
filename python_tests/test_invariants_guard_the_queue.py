"""dbt build holds a model back after a failing test only when everything the test reads is
upstream of that model. This checks, on the manifest of the demo build, that every
authorization invariant (tests/authorization/) can hold back send_queue and decision_log,
so a new invariant that reads something else cannot silently stop protecting the queue."""

from __future__ import annotations

import json

import pytest

import support


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
def manifest():
    path = support.PROJECT_DIR / "target" / "manifest.json"
    if not path.exists():
        pytest.skip("no target/manifest.json: run `make demo` first")
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_invariant_holds_back_the_queue_and_the_log(manifest):
    invariants = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node["original_file_path"].startswith("tests/authorization/")
    ]
    assert len(invariants) >= 8
    for model in ("model.pressure_outreach.send_queue", "model.pressure_outreach.decision_log"):
        before = upstream(manifest["parent_map"], model)
        for test in invariants:
            reads = set(test["depends_on"]["nodes"])
            assert "model.pressure_outreach.int_messages_rendered" in reads, test["name"]
            assert reads <= before, f"{test['name']} reads {sorted(reads - before)}, which {model} does not depend on"
