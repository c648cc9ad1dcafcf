"""The benchmark harness (``python -m pressure_outreach.bench``): its --smoke run writes
every field of the table and the JSON with sane numbers, drops its databases and leaves
the real send queue alone; the baseline decides like the set-based build; a scale that
does not fit the disk or the time budget is skipped with a reason; the PASS/MISS verdicts
and the busy-time arithmetic are right. No test asserts a timing."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

import support
from pressure_outreach import baseline
from pressure_outreach.bench import cli, estimate, measure, run, scenario
from pressure_outreach.bench import report as bench_report
from pressure_outreach.reference import Params

SMOKE_SCALES = run.SMOKE_SCALES
RESOURCE_TYPES = {"model", "test", "seed", "unit_test", "operation", "exposure", "snapshot", "source"}
PROJECT_MODELS = len(list((support.PROJECT_DIR / "models").rglob("*.sql")))
PROJECT_SEEDS = len(list((support.PROJECT_DIR / "seeds").glob("*.csv")))


# --------------------------------------------------------------------------- the smoke run


@pytest.fixture(scope="module")
def smoke(conn_settings, tmp_path_factory):
    """One `--smoke` run of the CLI into a temporary output, databases of its own."""
    out = tmp_path_factory.mktemp("bench")
    prefix = f"bench_pytest_{uuid.uuid4().hex[:8]}"
    command = [
        sys.executable,
        "-m",
        "pressure_outreach.bench",
        "--smoke",
        "--output",
        str(out / "BENCHMARKS.md"),
        "--json",
        str(out / "results.json"),
        "--db-prefix",
        prefix,
    ]
    result = subprocess.run(
        command, env=support.dbt_env(conn_settings), cwd=support.PROJECT_DIR, text=True, capture_output=True
    )
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    markdown = (out / "BENCHMARKS.md").read_text(encoding="utf-8")
    return {"report": report, "markdown": markdown, "stdout": result.stdout, "prefix": prefix}


def measured(report):
    return [s for s in report["scales"] if s["status"] == "measured"]


@pytest.mark.slow
def test_smoke_measures_every_scale_with_sane_numbers(smoke):
    report = smoke["report"]
    assert report["failed"] is None
    assert [s["companies"] for s in measured(report)] == list(SMOKE_SCALES)
    assert report["skipped"] == []
    for s in measured(report):
        n = s["companies"]
        gen, fb, nd = s["generate"], s["full_build"], s["next_day"]
        assert gen["seconds"] > 0 and gen["rows"] > n and gen["database_bytes"] > 0 and gen["peak_rss_mib"] > 0
        assert 0 < gen["database_bytes"] < fb["database_bytes"] and s["database_bytes"] > 0
        for build in (fb, nd):
            assert build["wall_seconds"] > build["dbt_elapsed_seconds"] > 0
            assert build["startup_seconds"] > 0
            assert build["startup_seconds"] + build["dbt_elapsed_seconds"] == pytest.approx(
                build["wall_seconds"], abs=0.02
            )
            # the production build: dbt's unit tests are timed on their own (below)
            assert {"model", "test", "seed"} <= set(build["by_type"]) and "unit_test" not in build["by_type"]
            assert set(build["by_type"]) <= RESOURCE_TYPES
            for kind in build["by_type"].values():
                assert kind["count"] > 0 and kind["sum_seconds"] >= 0 and kind["busy_seconds"] >= 0
            # busy wall time is at most the run and at most the sum of the node times
            for name, kinds in {"models": ("model",), "tests": ("test",)}.items():
                assert 0 < build["busy_seconds"][name] <= build["dbt_elapsed_seconds"] + 0.5
                assert build["busy_seconds"][name] <= sum(build["by_type"][k]["sum_seconds"] for k in kinds) + 0.01
            # the whole DAG, not a selection: every model and seed of the project, and its data tests
            assert build["by_type"]["model"]["count"] == PROJECT_MODELS
            assert build["by_type"]["seed"]["count"] == PROJECT_SEEDS
            assert build["by_type"]["test"]["count"] > 100
            assert sum(build["statuses"].values()) == build["nodes"]
            assert not {"error", "fail", "skipped"} & set(build["statuses"])
            slowest = [node["seconds"] for node in build["slowest"]]
            assert len(slowest) == 10 and slowest == sorted(slowest, reverse=True)
            assert all(node["resource_type"] in RESOURCE_TYPES for node in build["slowest"])
            assert 50 < build["dbt_peak_rss_mib"] < 8_192
            pg = build["postgres_peak"]
            assert pg["available"], "the embedded server's processes are visible to the test"
            assert pg["server_rss_sum_mib"] >= pg["server_footprint_mib"] > pg["database_backends_private_mib"] > 0
            assert pg["processes"] >= 3 and pg["samples"] > 0
        assert fb["rows_queued"] > 0
        assert datetime.fromisoformat(nd["as_of"]) == datetime.fromisoformat(fb["as_of"]) + timedelta(days=1)
        assert nd["companies_with_new_signals"] == max(1, round(n * scenario.NEXT_DAY_SHARE))
        assert nd["signals_inserted"] >= nd["companies_with_new_signals"]
        assert nd["send_events"] >= fb["rows_queued"]  # at least one event per queued message
        assert nd["rows_queued"] >= 0
        assert s["estimate"]["disk_bytes"] > 0 and s["estimate"]["minutes"] > 0
    # the unit tests read fixtures, not the data: timed once, after the first scale's build
    first, *rest = measured(report)
    unit = first["unit_tests"]
    assert unit["unit_tests"] > 10 and unit["statuses"]["pass"] == unit["unit_tests"]
    assert set(unit["statuses"]) <= {"pass", "success"}  # success: the on-run-start hook
    assert unit["wall_seconds"] > unit["dbt_elapsed_seconds"] > 0
    assert all("unit_tests" not in s for s in rest)


@pytest.mark.slow
def test_smoke_baseline_decides_like_the_set_based_build_and_leaves_the_queue(smoke):
    scales = measured(smoke["report"])
    assert len(scales) == len(run.SMOKE_SCALES)
    for s in scales:
        b, pc = s["baseline"], s["per_company"]
        assert b["sample_size"] == run.SMOKE_BASELINE_SAMPLE
        assert b["companies"] == s["companies"]
        assert b["seconds_per_company"] > 0 and b["queries_per_company"] >= 5
        assert sum(b["decisions"].values()) == b["sample_size"]
        assert "BELOW_CONTACT_BAND" in b["decisions"]  # the band gate's code (var decision_gates)
        agreement = b["agreement_with_set_based"]
        assert agreement["compared"] == b["sample_size"]
        assert agreement["agreeing"] == agreement["compared"], agreement["examples"]
        # at the smoke scales the sample holds queued companies: their rows are compared too
        assert agreement["queue_rows_in_both"] > 0
        assert agreement["queue_rows_identical"] == agreement["queue_rows_in_both"]
        assert b["real_queue_untouched"] is True
        assert pc["set_based_full_build_us"] > 0 and pc["set_based_models_us"] > 0 and pc["baseline_us"] > 0
        assert pc["ratio_full_build"] == pytest.approx(pc["baseline_us"] / pc["set_based_full_build_us"], rel=0.01)


@pytest.mark.slow
def test_smoke_reports_every_target_and_field(smoke):
    report, markdown = smoke["report"], smoke["markdown"]
    machine = report["machine"]
    assert machine["cores"] > 0 and machine["ram_bytes"] > 0 and machine["disk_free_bytes"] > 0
    assert machine["postgresql"] and machine["dbt_core"] and machine["dbt_postgres"]
    statuses = {t["target"]: t["status"] for t in report["targets"]}
    assert set(statuses.values()) <= {"PASS", "MISS", "NOT MEASURED"}
    evaluated = [name for name, status in statuses.items() if status != "NOT MEASURED"]
    # two scales: the growth, the ratio at each scale and the memory target are all judged
    assert any(name.startswith("growth") for name in evaluated)
    assert sum(name.startswith("set-based") for name in evaluated) == len(SMOKE_SCALES)
    assert any(name.startswith("dbt peak RSS") for name in evaluated)
    assert sum("full build at" in name for name in statuses) == len(estimate.TARGET_BUILD_SECONDS)
    for heading in ("## Machine", "## Results", "## Targets", "## Per scale", "## Method"):
        assert heading in markdown
    assert "--exclude-resource-type unit_test" in markdown and "resource_type:unit_test" in markdown
    assert "docs/rulebook.md §0-§4" in markdown
    assert report["command"] in markdown and "--smoke" in report["command"]
    assert bench_report.revision_text(report["revision"]) in markdown
    assert "| " + " | ".join(bench_report.SUMMARY_HEADER) + " |" in markdown
    for s in measured(report):
        assert f"| {s['companies']:,} |" in markdown
        assert f"### {s['companies']:,} companies" in markdown
        assert s["full_build"]["slowest"][0]["unique_id"] in markdown
    for target in report["targets"]:
        assert target["target"] in markdown and target["target"] in smoke["stdout"]
    for column in bench_report.SUMMARY_HEADER:
        assert column in smoke["stdout"]


@pytest.mark.slow
def test_smoke_drops_its_databases(smoke, conn_settings):
    left = support.query(
        conn_settings, "select datname from pg_database where datname like %s", (smoke["prefix"] + "%",)
    )
    assert left == []


# --------------------------------------------------------------------------- skips, without building


def test_a_scale_that_does_not_fit_is_skipped_with_its_reason(conn_settings, tmp_path):
    prefix = f"bench_pytest_{uuid.uuid4().hex[:8]}"
    output, results = tmp_path / "B.md", tmp_path / "r.json"
    args = ["--scales", "10000000", "--max-minutes", "1", "--output", str(output), "--json", str(results)]
    code = cli.main([*args, "--db-prefix", prefix])
    assert code == 0
    report = json.loads(results.read_text(encoding="utf-8"))
    assert [s["companies"] for s in report["skipped"]] == [10_000_000]
    reason = report["skipped"][0]["reason"]
    assert "GiB" in reason or "--max-minutes" in reason
    assert "10,000,000 companies: " + reason in output.read_text(encoding="utf-8")
    assert measured(report) == []
    with psycopg.connect(conn_settings.conninfo(database="postgres")) as db:
        assert db.execute("select count(*) from pg_database where datname like %s", (prefix + "%",)).fetchone()[0] == 0


def test_a_failed_scale_is_reported_with_its_cause_even_when_the_clean_up_fails(conn_settings, tmp_path, monkeypatch):
    def generate_fails(ctx, companies):
        raise run.BenchError("dbt build (full) failed: the server was killed")

    def drop_fails(conn, name):
        raise psycopg.OperationalError("the database system is in recovery mode")

    monkeypatch.setattr(run, "create_database", lambda conn, name: None)
    monkeypatch.setattr(run, "step_generate", generate_fails)
    monkeypatch.setattr(run, "drop_database", drop_fails)
    output, results = tmp_path / "B.md", tmp_path / "r.json"
    code = cli.main(["--scales", "1000,3000", "--max-minutes", "0", "--output", str(output), "--json", str(results)])
    assert code == 1
    report = json.loads(results.read_text(encoding="utf-8"))
    assert [(s["companies"], s["status"]) for s in report["scales"]] == [(1_000, "failed")]
    assert "the server was killed" in report["scales"][0]["reason"]
    assert "recovery mode" not in report["failed"]
    markdown = output.read_text(encoding="utf-8")
    assert "## Failed scale" in markdown
    assert "| 1,000 | failed |" in markdown
    assert "1,000 companies: dbt build (full) failed: the server was killed" in markdown


def test_skip_reason_checks_the_disk_then_the_time_budget():
    est = estimate.Estimate(disk_bytes=50 * 1024**3, minutes=40.0, basis="test")
    assert "exceeds the 10.0 GiB free" in estimate.skip_reason(10_000_000, est, 10 * 1024**3, 0.0, None)
    assert estimate.skip_reason(10_000_000, est, 100 * 1024**3, 0.0, None) is None
    assert "--max-minutes budget of 60" in estimate.skip_reason(10_000_000, est, 100 * 1024**3, 25.0, 60.0)
    assert estimate.skip_reason(10_000_000, est, 100 * 1024**3, 15.0, 60.0) is None


def _scale(companies, wall, startup, rss, baseline_us=None):
    result = {
        "companies": companies,
        "status": "measured",
        "generate": {"seconds": companies * 3e-4},
        "database_bytes": companies * 6_000,
        "full_build": {
            "wall_seconds": wall,
            "startup_seconds": startup,
            "dbt_peak_rss_mib": rss,
            "busy_seconds": {"models": wall - startup},
        },
        "next_day": {"wall_seconds": wall, "startup_seconds": startup},
    }
    if baseline_us is not None:
        result["baseline"] = {"seconds_per_company": baseline_us / 1e6}
    result["per_company"] = estimate.per_company(result)
    return result


def test_estimates_scale_linearly_from_the_largest_measured_scale():
    done = [_scale(1_000, 12.0, 8.0, 150), _scale(95_004, 48.0, 8.0, 160)]
    small, big = estimate.estimate(1_000_000, done, 0), estimate.estimate(10_000_000, done, 0)
    assert "95,004" in big.basis
    disk = lambda e: e.disk_bytes - estimate.DISK_HEADROOM_BYTES  # noqa: E731
    assert disk(big) == pytest.approx(10 * disk(small), rel=0.001)
    assert big.minutes > 9 * small.minutes


def test_targets_say_pass_or_miss_and_by_how_much():
    scales = [_scale(95_004, 25.0, 7.0, 150, baseline_us=30_000), _scale(1_000_000, 100.0, 7.0, 200)]
    targets = {t["target"]: t for t in estimate.evaluate_targets(scales)}
    at_95k = targets["full build at 95,004 companies <= 20 s wall (dbt start-up included)"]
    assert (at_95k["status"], at_95k["detail"]) == ("MISS", "over by 5.0 s (25%)")
    at_1m = targets["full build at 1,000,000 companies <= 120 s wall (dbt start-up included)"]
    assert (at_1m["status"], at_1m["detail"]) == ("PASS", "20.0 s to spare (17%)")
    growth = next(t for name, t in targets.items() if name.startswith("growth 95,004 -> 1,000,000"))
    assert "10.5 x 18.0 s" in growth["target"]
    assert growth["status"] == "PASS"  # 93 s <= 10.5 * 18 s = 189 s
    ratio = targets["set-based >= 100x cheaper per company than the baseline at 95,004"]
    assert ratio["status"] == "PASS" and ratio["value"] == pytest.approx(30_000 / (25.0 / 95_004 * 1e6), rel=0.01)
    assert targets["set-based >= 100x cheaper per company than the baseline at 1,000,000"]["status"] == "NOT MEASURED"
    memory = next(t for name, t in targets.items() if name.startswith("dbt peak RSS"))
    assert memory["status"] == "MISS"  # 200 / 150 = 1.33 > 1.25
    flat = estimate.evaluate_targets([_scale(95_004, 25.0, 7.0, 150), _scale(1_000_000, 400.0, 7.0, 160)])
    assert next(t for t in flat if t["target"].startswith("dbt peak RSS"))["status"] == "PASS"
    assert next(t for t in flat if t["target"].startswith("growth"))["status"] == "MISS"  # 393 s > 189 s


def test_busy_time_is_the_union_of_the_intervals():
    t0 = datetime(2026, 2, 7, tzinfo=UTC)
    at = lambda seconds: t0 + timedelta(seconds=seconds)  # noqa: E731
    intervals = [(at(0), at(4)), (at(2), at(6)), (at(10), at(11)), (at(10.5), at(10.7))]
    assert measure.union_seconds(intervals) == pytest.approx(7.0)
    assert measure.union_seconds([]) == 0.0


def test_the_report_names_the_commit_it_measured(tmp_path):
    assert measure.project_revision(tmp_path) is None  # not a git checkout
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    assert measure.project_revision(tmp_path) is None  # no commit yet
    (tmp_path / "model.sql").write_text("select 1\n", encoding="utf-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "model.sql"], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    assert measure.project_revision(tmp_path) == head.stdout.strip()
    (tmp_path / "model.sql").write_text("select 2\n", encoding="utf-8")
    assert measure.project_revision(tmp_path) == head.stdout.strip() + " + uncommitted changes"
    (tmp_path / "notes.txt").write_text("untracked files do not count\n", encoding="utf-8")
    subprocess.run([*git, "checkout", "-q", "model.sql"], check=True)
    assert measure.project_revision(tmp_path) == head.stdout.strip()


def test_the_baseline_has_a_condition_for_every_gate_and_refuses_a_gate_it_lacks():
    params = Params.from_project()
    baseline.check_gates(params)  # every flag the gates model pairs with a reason code
    unknown = dataclasses.replace(params, gate_flags={**params.gate_flags, "NEW_GATE": "is_new_gate"})
    with pytest.raises(baseline.BaselineError, match="is_new_gate"):
        baseline.check_gates(unknown)
