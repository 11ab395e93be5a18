"""The targets the issues set, checked against medians of one run: HOLDS, MISSED, or
n/a when not measured. Reported, never failed: the machines are noisy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .harness import AppResult
from .measure import ran_pip

TARGET_N = 50
REAL_INDEX_SECONDS = 2.0


@dataclass
class Target:
    name: str
    holds: bool | None
    detail: str


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, spec: str = ".3f", suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def _check(name: str, value: float | None, limit: float, *, at_most: bool, unit: str) -> Target:
    if value is None:
        return Target(name, None, "not measured")
    holds = value <= limit if at_most else value >= limit
    return Target(name, holds, f"{value:.3f}{unit} ({'<=' if at_most else '>='} {limit:g}{unit})")


def _ran_pip(commands: Sequence[str] | None) -> bool | None:
    return None if commands is None else ran_pip(commands)


def unpinned_targets(r: AppResult) -> list[Target]:
    """Issue 10: the unchanged rebuild of the unpinned app under 1 s and at least 5x
    faster than the dry-run path, measured in one run."""
    unchanged, dry = r.median("unchanged"), r.median("unchanged_dry_run")
    dry_pip = _ran_pip(r.last_commands.get("unchanged_dry_run"))
    own_pip = _ran_pip(r.last_commands.get("unchanged"))
    return [
        Target(
            "unpinned: unchanged < 1 s",
            None if unchanged is None else unchanged < 1,
            _fmt(unchanged, ".3f", " s"),
        ),
        Target(
            "unpinned: unchanged >= 5 x faster than the dry-run path",
            None if unchanged is None or dry is None else dry / unchanged >= 5,
            f"{_fmt(_ratio(dry, unchanged), '.2f', 'x')} (dry run {_fmt(dry, '.3f', ' s')})",
        ),
        Target(
            "unpinned: PYTHON_BUILDPACK_INDEX_CHECK=off runs pip's dry run (else the ratio "
            "above compares nothing)",
            dry_pip,
            "pip ran" if dry_pip else "no pip process",
        ),
        Target(
            "unpinned: the unchanged rebuild starts no pip process",
            None if own_pip is None else not own_pip,
            "pip ran" if own_pip else "no pip process",
        ),
    ]


def real_index_targets(r: AppResult) -> list[Target]:
    """Issue 17: every unchanged rebuild against the real index says `Checked ...
    unchanged`, starts no pip process, and takes under 2 s."""
    found = []
    for number, s in enumerate(r.samples.get("unchanged", []), 1):
        line = s.checked or "(no index check in the log)"
        holds = (
            s.status == "reused"
            and s.ran_pip is False
            and ": unchanged (" in line
            and s.seconds < REAL_INDEX_SECONDS
        )
        pip = "pip ran" if s.ran_pip else "no pip process"
        found.append(
            Target(
                f"real-unpinned: unchanged rebuild {number}: `Checked ... unchanged`, no pip "
                f"process, under {REAL_INDEX_SECONDS:g} s",
                holds,
                f"{s.seconds:.2f} s, {s.status}, {pip}: {line}",
            )
        )
    return found


def keeping_targets(r: AppResult) -> list[Target]:
    """The cache kept as platforms keep it: after a round trip at most 2x in place."""
    place = r.median("unchanged")
    return [
        _check(
            f"{r.label}: unchanged after {way} <= 2 x in place",
            _ratio(r.median(scenario), place),
            2,
            at_most=True,
            unit="x",
        )
        for scenario, way in (("unchanged_tar", "GNU tar"), ("unchanged_cp_r", "cp -r"))
        if scenario in r.samples
    ]


def synthetic_targets(synthetic: dict[int, AppResult]) -> list[Target]:
    n = TARGET_N if TARGET_N in synthetic else min(synthetic, key=lambda k: abs(k - TARGET_N))
    at = f" (N={n}{'' if n == TARGET_N else f'; the targets are for N={TARGET_N}'})"
    r = synthetic[n]
    floor, base, cold = r.median("floor_a"), r.median("baseline_b"), r.median("cold")
    unchanged = r.median("unchanged")
    found = [
        _check(
            "unchanged <= 1.5 x floor (a)" + at,
            _ratio(unchanged, floor),
            1.5,
            at_most=True,
            unit="x",
        ),
        _check(
            "unchanged >= 10 x faster than baseline (b)" + at,
            _ratio(base, unchanged),
            10,
            at_most=False,
            unit="x",
        ),
    ]
    for scenario in ("changed", "added", "removed"):
        med = r.median(scenario)
        found.append(
            _check(
                f"{scenario} <= 25% of cold{at}", _ratio(med, cold), 0.25, at_most=True, unit="x"
            )
        )
        found.append(
            _check(
                f"{scenario} >= 4 x faster than baseline (b){at}",
                _ratio(base, med),
                4,
                at_most=False,
                unit="x",
            )
        )
    peaks = [
        s.peak_memory_mb
        for k, v in r.samples.items()
        if k not in ("floor_a", "baseline_b", "baseline_c")
        for s in v
        if s.peak_memory_mb is not None
    ]
    found.append(
        _check(
            "buildpack's own peak memory < 150 MB" + at,
            max(peaks) if peaks else None,
            150,
            at_most=True,
            unit=" MB",
        )
    )
    if len(synthetic) < 2:
        return [*found, Target("growth with N no faster than floor (a)", None, "needs two sizes")]
    # Growth from the smallest N to the largest: the time each package adds (the
    # slope) must not exceed what it adds to floor (a). The growth factors are shown too.
    small, large = synthetic[min(synthetic)], synthetic[max(synthetic)]
    f_small, f_large = small.median("floor_a"), large.median("floor_a")
    span = max(synthetic) - min(synthetic)
    for scenario in ("unchanged", "changed", "added", "removed"):
        t_small, t_large = small.median(scenario), large.median(scenario)
        if t_small is None or t_large is None or not f_small or not f_large:
            continue
        slope = (t_large - t_small) / span * 1000
        f_slope = (f_large - f_small) / span * 1000
        found.append(
            Target(
                f"{scenario} grows no faster than floor (a), N={min(synthetic)}->{max(synthetic)}",
                slope <= f_slope,
                f"{slope:.2f} vs floor {f_slope:.2f} ms per added package; growth factor "
                f"x{t_large / t_small:.2f} vs floor x{f_large / f_small:.2f}",
            )
        )
    return found


def targets(results: Sequence[AppResult]) -> list[Target]:
    found: list[Target] = []
    for result in results:
        if result.kind == "unpinned":
            found += unpinned_targets(result)
        elif result.kind == "real-unpinned":
            found += real_index_targets(result)
        found += keeping_targets(result)
    synthetic = {int(r.info.get("packages", 0)): r for r in results if r.kind == "synthetic"}
    return found + synthetic_targets(synthetic) if synthetic else found
