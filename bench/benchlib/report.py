"""The report: a table of medians and ratios to the floor and baselines measured in
the same run, the targets of the issues (HOLDS/MISSED: reported, never failed), and
the JSON of every sample."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .harness import AppResult
from .measure import Sample, log
from .targets import Target

SCENARIOS = [
    "cold",
    "unchanged",
    "unchanged_dry_run",
    "unchanged_tar",
    "unchanged_cp_r",
    "unchanged_other_fs",
    "unchanged_content",
    "changed",
    "added",
    "removed",
    "python_patch",
    "fresh",
]
EXPECTED_STATUS = {
    "cold": "empty",
    "changed": "updated",
    "added": "updated",
    "removed": "updated",
    "python_patch": "discarded",
    "fresh": "empty",
}
FLOORS = ["floor_a", "baseline_b", "baseline_c"]
DESCRIPTIONS = {
    "cold": "cold build (empty cache)",
    "unchanged": "unchanged rebuild",
    "unchanged_dry_run": "unchanged rebuild, index-page check off "
    "(PYTHON_BUILDPACK_INDEX_CHECK=off): pip's dry run",
    "unchanged_tar": "unchanged rebuild after a GNU tar round trip of CACHE_DIR",
    "unchanged_cp_r": "unchanged rebuild after `cp -r` of CACHE_DIR",
    "unchanged_other_fs": "unchanged rebuild, CACHE_DIR on another filesystem",
    "unchanged_content": "unchanged rebuild with PYTHON_BUILD_CACHE_VERIFY=content",
    "changed": "one pin changed",
    "added": "one package added",
    "removed": "one package removed",
    "python_patch": "Python patch version changed (simulated)",
    "fresh": "the changed app, its cached environment thrown away (tool kept)",
    "floor_a": "floor (a): cp -al .heroku/python + start python (3 samples per run)",
    "baseline_b": "baseline (b): a fresh install (pip install -r, uv sync), warm cache",
    "baseline_c": "baseline (c): pip install -r, all installed",
}


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def _median(values: Sequence[float | int | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


def table(results: Sequence[AppResult]) -> str:
    header = (
        f"{'app':<13} {'scenario':<18} {'status':<10} {'median s':>9} {'min-max s':>13} "
        f"{'x floor a':>9} {'x base b':>9} {'x cold':>7} {'x dry':>6} {'bp MB':>6} "
        f"{'tree MB':>7} {'procs':>5} {'reqs':>5} {'conns':>5}"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        floor, base = result.median("floor_a"), result.median("baseline_b")
        cold, dry = result.median("cold"), result.median("unchanged_dry_run")
        known = [s for s in SCENARIOS + FLOORS if s in result.samples]
        for scenario in known + sorted(set(result.samples) - set(known)):
            samples = result.samples[scenario]
            med = statistics.median(s.seconds for s in samples)
            statuses = sorted({s.status for s in samples if s.status})
            peak = max((s.peak_memory_mb for s in samples if s.peak_memory_mb), default=None)
            lo, hi = min(s.seconds for s in samples), max(s.seconds for s in samples)
            lines.append(
                f"{result.label:<13} {scenario:<18} {','.join(statuses):<10} "
                f"{med:9.3f} {f'{lo:.2f}-{hi:.2f}':>13} "
                f"{fmt(ratio(med, floor), '.1f', 'x'):>9} "
                f"{fmt(ratio(med, base), '.3f', 'x'):>9} "
                f"{fmt(ratio(med, cold), '.2f', 'x') if scenario not in FLOORS else '':>7} "
                f"{fmt(ratio(med, dry), '.2f', 'x') if dry else '':>6} "
                f"{fmt(peak, '.0f'):>6} "
                f"{max(s.tree_max_rss_mb for s in samples):7.0f} "
                f"{fmt(_median([s.commands for s in samples]), '.0f'):>5} "
                f"{fmt(_median([s.index_requests for s in samples]), '.0f'):>5} "
                f"{fmt(_median([s.index_connections for s in samples]), '.0f'):>5}"
            )
        lines.append("")
    return "\n".join(lines)


def to_json(results: Sequence[AppResult], found: Sequence[Target], meta: dict[str, Any]) -> str:
    apps = []
    for result in results:
        scenarios = {}
        for scenario, samples in result.samples.items():
            med = result.median(scenario)
            scenarios[scenario] = {
                "description": DESCRIPTIONS.get(scenario, scenario),
                "expected_status": EXPECTED_STATUS.get(scenario, "reused")
                if scenario not in FLOORS
                else None,
                "median_s": med,
                "ratio_to_floor_a": ratio(med, result.median("floor_a")),
                "ratio_to_baseline_b": ratio(med, result.median("baseline_b")),
                "ratio_to_cold": ratio(med, result.median("cold")),
                "ratio_to_dry_run": ratio(med, result.median("unchanged_dry_run")),
                "samples": [s.__dict__ for s in samples],
                "commands_last_run": result.last_commands.get(scenario),
            }
        apps.append(
            {
                **result.info,
                "label": result.label,
                "kind": result.kind,
                "files_in_built_python_dir": result.files_in_env,
                "errors": result.errors,
                "scenarios": scenarios,
            }
        )
    targets = [{"name": t.name, "holds": t.holds, "detail": t.detail} for t in found]
    return json.dumps({**meta, "apps": apps, "targets": targets}, indent=2, sort_keys=True) + "\n"


def load_results(path: Path) -> list[AppResult]:
    """The results of an earlier run's JSON (`--from-json`)."""
    results = []
    for app in json.loads(path.read_text())["apps"]:
        scenarios = app.pop("scenarios")
        label = app.pop("label")
        kind = app.pop("kind", None) or ("synthetic" if label.startswith("N=") else label)
        result = AppResult(
            label,
            kind,
            errors=app.pop("errors"),
            files_in_env=app.pop("files_in_built_python_dir", None),
        )
        result.info = app
        for scenario, info in scenarios.items():
            result.samples[scenario] = [Sample(**sample) for sample in info["samples"]]
            result.last_commands[scenario] = info.get("commands_last_run") or []
        results.append(result)
    return results


def print_summary(
    results: Sequence[AppResult], found: Sequence[Target], runs: int, notes: Sequence[str]
) -> None:
    log("")
    log(
        f"Medians of {runs} run(s); floor (a) = cp -al of .heroku/python + one interpreter "
        "start; baseline (b) = a fresh install (pip install -r, uv sync; warm cache); (c) = "
        "pip install -r over a complete environment. bp MB = the buildpack's own peak RSS; "
        "tree MB = largest single process (pip included); procs = subprocesses the buildpack "
        "started; reqs, conns = what the app's local index answered and accepted."
    )
    log(table(results))
    for note in notes:
        log(f"note: {note}")
    log("")
    log("Targets:")
    for target in found:
        mark = {True: "HOLDS ", False: "MISSED", None: "n/a   "}[target.holds]
        log(f"  {mark} {target.name}: {target.detail}")
    errors = [e for r in results for e in r.errors]
    if errors:
        log("")
        log("ERRORS (wrong cache status or failed build):")
        for error in errors:
            log(f"  - {error.splitlines()[0]}")
