"""The benchmark's library: apps (`generate`, `apps`, `unpinned`, `locked`,
`real_index`), the ways platforms keep CACHE_DIR (`caches`), the session and its
processes (`session`, `measure`), the one timing loop (`harness`) and the report
(`report`). `bench/run.py` is the command.

It shares the test suite's helpers (tests/support: wheels, the local index, the packed
runtime, the apps locked by uv, Poetry and Pipenv); their paths are set here, once.
It imports nothing of the buildpack itself (it runs `bin/compile` and reads
`bin/report`), but tests/support's lockfile helpers read `python_buildpack.config`
(the trust and proxy variables), so lib/ is on the path too.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for _path in (ROOT / "tests", ROOT / "lib"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
