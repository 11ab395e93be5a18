"""The unpinned app of the benchmark (issue 10): ranges and unpinned dependencies,
served by a local package index with a per-request delay.

    15 direct requirements, each a range (`bench-top-03>=1,<2`), in requirements/base.txt
    45 dependencies that no file pins: the direct packages and the dependencies
       themselves require them as `bench-dep-07` or `bench-dep-07>=1`

Every project has several releases on the index, so the pages list several files and
the ranges mean something: a direct package has 1.0.0, 1.1.0 (what `>=1,<2` picks),
and 2.0.0 (outside the range); a dependency has 0.9.0 and 1.0.0, 1.1.0 (picked). The
releases pip picks are full generated packages (generate.py); the others are tiny
wheels, since pip never downloads them.

The index is tests/support/index_server.py (PEP 503/691 pages, ETag, Last-Modified,
X-PyPI-Last-Serial and `Cache-Control: max-age=600` as PyPI sends them), run in a
thread of the benchmark; every request (page or file) waits `delay` seconds first, as a
distant index would make it. Like PyPI before PEP 658 metadata, it serves no separate
`.metadata` files: pip downloads the wheel it picked to read its dependencies.

Per run: cold, then on its cache the unchanged rebuild as the buildpack does it and
`unchanged_dry_run` with the index-page check switched off (CHECK_SWITCH: pip's dry
run, the path before issue 10), in alternating order; floor (a); baseline (b), a fresh
`pip install -r` from the index. Each sample counts the requests the index answered
and the connections it accepted.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.index_server import IndexServer, serve_index
from support.wheels import build_wheel, dist_name

from .apps import PipApp
from .generate import build_generated
from .harness import Baseline, Build, Floor, Step
from .measure import Sample
from .session import Session

DIRECT, TRANSITIVE = 15, 45  # --smoke: SMOKE_DIRECT, SMOKE_TRANSITIVE
SMOKE_DIRECT, SMOKE_TRANSITIVE = 3, 6
DEFAULT_DELAY_MS = 50.0
# The switch the buildpack reads (a config var in ENV_DIR) to skip the index-page check
# and take pip's dry run, as every unchanged rebuild of such an app did before issue 10.
CHECK_SWITCH = ("PYTHON_BUILDPACK_INDEX_CHECK", "off")


def top_name(i: int) -> str:
    return f"bench-top-{i:02d}"


def dep_name(i: int) -> str:
    return f"bench-dep-{i:02d}"


@dataclass(frozen=True)
class UnpinnedApp:
    wheels: Path  # everything the index serves
    requirements: list[str]  # the lines of requirements/base.txt
    installed: dict[str, str]  # what a clean install picks: name -> version


def _dep_requires(i: int, transitive: int) -> list[str]:
    """0-2 later dependencies (so no cycles), some with a lower bound."""
    rng = random.Random(f"unpinned-dep-{i}")  # noqa: S311 - test data
    later = list(range(i + 1, transitive))
    picks = sorted(rng.sample(later, min(len(later), rng.choice((0, 0, 1, 2)))))
    return [dep_name(d) + (">=1" if rng.random() < 0.3 else "") for d in picks]


def _top_requires(j: int, direct: int, transitive: int) -> list[str]:
    """Each dependency is required by at least one direct package (3 each for 15/45)."""
    share = [d for d in range(transitive) if d % direct == j]
    rng = random.Random(f"unpinned-top-{j}")  # noqa: S311
    share += rng.sample(range(transitive), 1)
    return [dep_name(d) + (">=1" if rng.random() < 0.3 else "") for d in sorted(set(share))]


def make_app(workdir: Path, *, smoke: bool = False) -> UnpinnedApp:
    """The wheels (built once into a store in `workdir`, linked into the index's
    directory) and the requirements."""
    direct, transitive = (SMOKE_DIRECT, SMOKE_TRANSITIVE) if smoke else (DIRECT, TRANSITIVE)
    # Bump the v1 when the generated releases change, so old stores are not reused.
    store = workdir / f"unpinned-store-v1-{direct}x{transitive}"
    dest = workdir / f"index-unpinned-{direct}x{transitive}"
    store.mkdir(parents=True, exist_ok=True)
    dest.mkdir(parents=True, exist_ok=True)
    installed: dict[str, str] = {}
    wheels: list[Path] = []

    def release(name: str, version: str, requires: Sequence[str], picked: bool) -> None:
        path = store / f"{dist_name(name)}-{version}-py3-none-any.whl"
        if not path.is_file():
            if picked:
                built = build_generated(store / ".tmp", name, version, requires)
            else:
                built = build_wheel(store / ".tmp", name, version, requires=requires)
            built.replace(path)
        wheels.append(path)
        if picked:
            installed[name] = version

    for i in range(transitive):
        requires = _dep_requires(i, transitive)
        for version in ("0.9.0", "1.0.0", "1.1.0"):
            release(dep_name(i), version, requires, version == "1.1.0")
    for j in range(direct):
        requires = _top_requires(j, direct, transitive)
        for version in ("1.0.0", "1.1.0", "2.0.0"):
            release(top_name(j), version, requires, version == "1.1.0")
    for path in wheels:
        target = dest / path.name
        if not target.exists():
            try:
                target.hardlink_to(path)
            except OSError:
                target.write_bytes(path.read_bytes())
    lines = [f"{top_name(j)}>=1,<2" for j in range(direct)]
    return UnpinnedApp(dest, lines, installed)


@contextmanager
def served(app: UnpinnedApp, delay_ms: float) -> Iterator[IndexServer]:
    """The app's index on 127.0.0.1, `delay_ms` before each answer, validators as PyPI's."""
    with serve_index(app.wheels, validators="all", max_age=600, delay=delay_ms / 1000) as index:
        yield index


class UnpinnedPipApp(PipApp):
    """The unpinned app as one app of the benchmark, on its index while it is measured."""

    label = kind = "unpinned"

    def __init__(self, app: UnpinnedApp, delay_ms: float) -> None:
        super().__init__()
        self.app, self.delay_ms = app, delay_ms
        self.index: IndexServer | None = None

    def lines(self, variant: str) -> list[str]:
        return list(self.app.requirements)

    def config(self) -> dict[str, str]:
        return {"PIP_INDEX_URL": self.index.url} if self.index else {}

    @contextmanager
    def serving(self, session: Session) -> Iterator[None]:
        with served(self.app, self.delay_ms) as self.index, super().serving(session):
            self.observed(Sample(0, 0))  # the counts start after the untimed preparation
            yield

    def observed(self, sample: Sample) -> None:
        assert self.index is not None
        sample.index_requests = sum(self.index.requests.values())
        sample.index_connections = self.index.connections
        self.index.requests.clear()
        self.index.connections = 0

    def info(self) -> dict[str, Any]:
        app = self.app
        unpinned = len(app.installed) - len(app.requirements)
        return {
            "summary": f"{len(app.installed)} packages ({len(app.requirements)} ranges, "
            f"the rest unpinned), index delay {self.delay_ms:g} ms",
            "packages": len(app.installed),
            "pins": dict(app.installed),
            "requirements": app.requirements,
            "index_delay_ms": self.delay_ms,
            "notes": [
                f"unpinned app: {len(app.requirements)} ranges, {unpinned} unpinned "
                f"dependencies, local index with {self.delay_ms:g} ms per request"
            ],
        }

    def steps(self, run: int) -> list[Step]:
        order = ["unchanged", "unchanged_dry_run"]
        steps: list[Step] = [Build("cold", "empty")]
        for scenario in order if run % 2 else order[::-1]:
            switch = dict([CHECK_SWITCH]) if scenario == "unchanged_dry_run" else {}
            steps.append(Build(scenario, "reused", config=switch))
        return [*steps, Floor(), Baseline("baseline_b")]
