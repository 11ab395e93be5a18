"""The unpinned app of the benchmark (issue 10): ranges and unpinned dependencies,
served by a local package index with a per-request delay.

    15 direct requirements, each a range (`bench-top-03>=1,<2`), in requirements/base.txt
    45 dependencies that no file pins: the direct packages and the dependencies
       themselves require them as `bench-dep-07` or `bench-dep-07>=1`

Every project has several releases on the index, so the pages list several files and
the ranges mean something: a direct package has 1.0.0, 1.1.0 (what `>=1,<2` picks),
and 2.0.0 (outside the range); a dependency has 0.9.0 and 1.0.0, 1.1.0 (picked). The
releases pip picks are full generated packages (run.py's generator); the others are
tiny wheels, since pip never downloads them.

The index is tests/support/index_server.py (PEP 503/691 pages, ETag, Last-Modified,
X-PyPI-Last-Serial and `Cache-Control: max-age=600` as PyPI sends them), run in a
thread of the benchmark; every request (page or file) waits `delay` seconds first, as a
distant index would make it. Like PyPI before PEP 658 metadata, it serves no separate
`.metadata` files: pip downloads the wheel it picked to read its dependencies.

This module is a leaf: run.py passes in how to build a full package.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from support.index_server import IndexServer, serve_index
from support.wheels import build_wheel, dist_name

DIRECT, TRANSITIVE = 15, 45  # --smoke: SMOKE_DIRECT, SMOKE_TRANSITIVE
SMOKE_DIRECT, SMOKE_TRANSITIVE = 3, 6
DEFAULT_DELAY_MS = 50.0
# The switch the buildpack reads (a config var in ENV_DIR) to skip the index-page check
# and take pip's dry run, as every unchanged rebuild of such an app did before issue 10.
CHECK_SWITCH = ("PYTHON_BUILDPACK_INDEX_CHECK", "off")

# (dest dir, name, version, requires) -> a full generated wheel in dest
BuildFull = Callable[[Path, str, str, Sequence[str]], Path]


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


def make_app(workdir: Path, build_full: BuildFull, *, smoke: bool = False) -> UnpinnedApp:
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
                built = build_full(store / ".tmp", name, version, requires)
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
