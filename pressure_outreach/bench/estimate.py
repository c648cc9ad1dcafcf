"""Estimates and verdicts: a scale's disk use and time before it runs (and why it is
skipped), the cost per company afterwards, and the PASS/MISS verdict of each target."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Before a scale has been measured, its cost is estimated from these (the development
# machine's figures, README "Performance"); afterwards from the largest measured scale.
PRIOR_GENERATE_SECONDS_PER_COMPANY = 300e-6  # 1M companies in 3.8-5.4 min
PRIOR_BUILD_SECONDS_PER_COMPANY = 700e-6  # 95,004 companies in 55-75 s
PRIOR_STARTUP_SECONDS = 10.0
PRIOR_BYTES_PER_COMPANY = 7_000  # the demo database: about 560 MB at 95,004 companies
PRIOR_BASELINE_SECONDS_PER_COMPANY = 0.01
DISK_SAFETY_FACTOR = 1.3  # temporary files, WAL and the next day on top of the final size
DISK_HEADROOM_BYTES = 2 * 1024**3

# The targets of the issue (BENCHMARKS.md lists them with PASS/MISS).
TARGET_BUILD_SECONDS = {95_004: 20.0, 1_000_000: 120.0}
TARGET_RATIO = 100.0
MEMORY_FLAT_TOLERANCE = 1.25


@dataclass
class Estimate:
    disk_bytes: int
    minutes: float
    basis: str

    def as_dict(self) -> dict[str, Any]:
        return {"disk_bytes": self.disk_bytes, "minutes": round(self.minutes, 1), "basis": self.basis}


def estimate(companies: int, measured: list[dict[str, Any]], baseline_sample: int) -> Estimate:
    """Disk and time of one scale, scaled linearly from the largest measured scale (or
    from the priors when none was measured yet)."""
    done = [m for m in measured if m.get("status") == "measured"]
    if done:
        ref = max(done, key=lambda m: m["companies"])
        n = ref["companies"]
        gen = ref["generate"]["seconds"] / n
        startup = ref["full_build"]["startup_seconds"]
        build = max(ref["full_build"]["wall_seconds"] - startup, 0.0) / n
        next_build = max(ref["next_day"]["wall_seconds"] - ref["next_day"]["startup_seconds"], 0.0) / n
        size = ref["database_bytes"] / n
        per_baseline = ref["baseline"]["seconds_per_company"] if ref.get("baseline") else 0.0
        basis = f"scaled linearly from {n:,} companies"
    else:
        gen, startup, build, next_build = (
            PRIOR_GENERATE_SECONDS_PER_COMPANY,
            PRIOR_STARTUP_SECONDS,
            PRIOR_BUILD_SECONDS_PER_COMPANY,
            PRIOR_BUILD_SECONDS_PER_COMPANY,
        )
        size = PRIOR_BYTES_PER_COMPANY
        per_baseline = PRIOR_BASELINE_SECONDS_PER_COMPANY
        basis = "the development machine's priors"
    seconds = (
        companies * gen
        + (startup + companies * build)
        + (startup + companies * next_build)
        + min(baseline_sample, companies) * per_baseline
        + companies * gen * 0.2  # indexes for the baseline, database drop
    )
    disk = int(companies * size * DISK_SAFETY_FACTOR + DISK_HEADROOM_BYTES)
    return Estimate(disk_bytes=disk, minutes=seconds / 60, basis=basis)


def skip_reason(
    companies: int, est: Estimate, free_bytes: int, elapsed_minutes: float, max_minutes: float | None
) -> str | None:
    """Why a scale cannot run (None when it can)."""
    if est.disk_bytes > free_bytes:
        return (
            f"estimated disk {est.disk_bytes / 1024**3:.1f} GiB ({est.basis}, x{DISK_SAFETY_FACTOR} + "
            f"{DISK_HEADROOM_BYTES / 1024**3:.0f} GiB headroom) exceeds the {free_bytes / 1024**3:.1f} GiB free"
        )
    if max_minutes is not None and elapsed_minutes + est.minutes > max_minutes:
        return (
            f"estimated {est.minutes:.0f} min ({est.basis}) after {elapsed_minutes:.0f} min already spent "
            f"exceeds the --max-minutes budget of {max_minutes:.0f} min"
        )
    return None


def per_company(result: dict[str, Any]) -> dict[str, Any]:
    """Cost per company of the set-based build (full build wall, start-up included; and the
    busy wall time of its models alone) and of the baseline, and their ratios."""
    n = result["companies"]
    build = result["full_build"]
    models = build["busy_seconds"]["models"]
    out: dict[str, Any] = {
        "set_based_full_build_us": round(build["wall_seconds"] / n * 1e6, 2),
        "set_based_models_us": round(models / n * 1e6, 2),
    }
    if result.get("baseline"):
        baseline_us = result["baseline"]["seconds_per_company"] * 1e6
        out["baseline_us"] = round(baseline_us, 2)
        out["ratio_full_build"] = round(baseline_us / out["set_based_full_build_us"], 4)
        out["ratio_models"] = round(baseline_us / out["set_based_models_us"], 4) if models else None
    return out


# --------------------------------------------------------------------------- targets


def _verdict(value: float, limit: float, unit: str, lower_is_better: bool = True) -> dict[str, Any]:
    ok = value <= limit if lower_is_better else value >= limit
    gap = abs(value - limit)
    share = gap / limit * 100 if limit else 0.0
    if ok:
        how = f"{gap:.1f}{unit} to spare ({share:.0f}%)"
    else:
        how = f"{'over' if lower_is_better else 'short'} by {gap:.1f}{unit} ({share:.0f}%)"
    return {"status": "PASS" if ok else "MISS", "value": round(value, 2), "limit": round(limit, 2), "detail": how}


def evaluate_targets(scales: list[dict[str, Any]]) -> list[dict[str, Any]]:
    measured = {s["companies"]: s for s in scales if s.get("status") == "measured"}
    targets: list[dict[str, Any]] = []
    for companies, limit in TARGET_BUILD_SECONDS.items():
        name = f"full build at {companies:,} companies <= {limit:.0f} s wall (dbt start-up included)"
        if companies in measured:
            targets.append({"target": name, **_verdict(measured[companies]["full_build"]["wall_seconds"], limit, " s")})
        else:
            targets.append({"target": name, "status": "NOT MEASURED", "detail": f"{companies:,} was not run"})
    ordered = sorted(measured)
    if len(ordered) >= 2:
        small = measured[ordered[0]]
        for big_n in ordered[1:]:
            big = measured[big_n]
            factor = round(big_n / small["companies"], 1)
            small_work = small["full_build"]["wall_seconds"] - small["full_build"]["startup_seconds"]
            big_work = big["full_build"]["wall_seconds"] - big["full_build"]["startup_seconds"]
            targets.append(
                {
                    "target": f"growth {small['companies']:,} -> {big_n:,}: (t - start-up) <= {factor} x "
                    f"{small_work:.1f} s",
                    **_verdict(big_work, factor * small_work, " s"),
                }
            )
    else:
        targets.append(
            {"target": "growth (t - start-up) linear or better", "status": "NOT MEASURED", "detail": "one scale"}
        )
    for companies in ordered:
        ratio = measured[companies]["per_company"].get("ratio_full_build")
        name = f"set-based >= {TARGET_RATIO:.0f}x cheaper per company than the baseline at {companies:,}"
        if ratio is None:
            targets.append({"target": name, "status": "NOT MEASURED", "detail": "no baseline"})
        else:
            targets.append({"target": name, **_verdict(ratio, TARGET_RATIO, "x", lower_is_better=False)})
    if len(ordered) >= 2:
        peaks = {n: measured[n]["full_build"]["dbt_peak_rss_mib"] for n in ordered}
        low, high = min(peaks.values()), max(peaks.values())
        growth = high / low if low else float("inf")
        name = (
            f"dbt peak RSS flat in the number of companies (largest / smallest <= {MEMORY_FLAT_TOLERANCE}, "
            + ", ".join(f"{n:,}: {mib:.0f} MiB" for n, mib in peaks.items())
            + ")"
        )
        targets.append({"target": name, **_verdict(growth, MEMORY_FLAT_TOLERANCE, "x")})
    else:
        targets.append(
            {"target": "dbt peak RSS flat in the number of companies", "status": "NOT MEASURED", "detail": "one scale"}
        )
    return targets
