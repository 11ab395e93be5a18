#!/usr/bin/env python3
"""The unchanged rebuild with CACHE_DIR kept as platforms keep it, next to the floor,
in one run.

    .venv/bin/python bench/persist.py                       # N=30,200, 5 runs
    .venv/bin/python bench/persist.py --sizes 30 --runs 3 --workdir /dev/shm/bench-persist

For each app of N generated packages (bench/run.py's), one cold build makes a cache
for each way of keeping it; then, interleaved run by run, each is rebuilt unchanged
(bin/compile's wall time, status `reused` checked with bin/report):

    in place     the same CACHE_DIR, the previous build dir deleted (a developer's
                 machine, a build server keeping the directory)
    gnu tar      CACHE_DIR through `tar --format=gnu -cf`, removed, `tar -xf` (Heroku,
                 CI caches: every file a new inode, mtimes to the second); untimed
    cp -r        CACHE_DIR copied with `cp -r` and put back (mtimes lost); untimed
    other fs     CACHE_DIR on --other (a tmpfs here): copies instead of hard links
                 (Dokku, herokuish)
    +content     in place with PYTHON_BUILD_CACHE_VERIFY=content (every file read)

and the floor (a) of bench/run.py: `cp -al` of the built environment plus one
`python -c pass`. The table gives medians and the ratios the cache is held to:
in place / floor (target <= 1.5), after a round trip / in place (target <= 2).
The log of every build is kept under --workdir/logs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402  (bench/run.py)

VERIFY = "PYTHON_BUILD_CACHE_VERIFY"


def gnu_tar(cache: Path) -> None:
    archive = cache.with_suffix(".tar")
    subprocess.run(["tar", "--format=gnu", "-cf", str(archive), cache.name],
                   cwd=cache.parent, check=True)
    shutil.rmtree(cache)
    subprocess.run(["tar", "-xf", str(archive)], cwd=cache.parent, check=True)
    archive.unlink()


def cp_r(cache: Path) -> None:
    copy = cache.with_name(cache.name + ".copy")
    subprocess.run(["cp", "-r", str(cache), str(copy)], check=True)
    shutil.rmtree(cache)
    copy.rename(cache)


def nothing(cache: Path) -> None:
    pass


# kind -> (what is done to CACHE_DIR before each timed build, with the content check)
KINDS: dict[str, tuple[Callable[[Path], None], bool]] = {
    "in place": (nothing, False),
    "gnu tar": (gnu_tar, False),
    "cp -r": (cp_r, False),
    "other fs": (nothing, False),
    "+content": (nothing, True),
}


def measure_app(session: bench.Session, workdir: Path, other: Path, n: int,
                runs: int) -> tuple[dict[str, float], int, list[str]]:
    spec = bench.synthetic_app(workdir, n)
    result = bench.AppResult(spec)
    runner = bench.Bench(session, spec, result)
    plain_env = runner.env_dir
    content_env = plain_env.with_name(plain_env.name + "-content")
    shutil.rmtree(content_env, ignore_errors=True)
    shutil.copytree(plain_env, content_env)
    (content_env / VERIFY).write_text("content")
    caches = {kind: (other / f"cache-{n}" if kind == "other fs" else session.fresh("cache"))
              for kind in KINDS}
    previous: dict[str, Path] = {}
    for kind, cache in caches.items():
        previous[kind], _ = runner.build("cold", cache, "empty", timed=False, run=0)
    samples: dict[str, list[float]] = {}
    for number in range(1, runs + 1):
        for kind, cache in caches.items():
            keep, content = KINDS[kind]
            keep(cache)
            shutil.rmtree(previous[kind])
            runner.env_dir = content_env if content else plain_env
            previous[kind], sample = runner.build("unchanged", cache, "reused", timed=False,
                                                  run=number)
            samples.setdefault(kind, []).append(sample.seconds)
            bench.log(f"   N={n} run {number} {kind:<9} {sample.seconds:7.3f} s")
        runner.env_dir = plain_env
        runner.floor_a(previous["in place"] / ".heroku" / "python", number)
    medians = {kind: statistics.median(v) for kind, v in samples.items()}
    medians["floor"] = result.median("floor_a") or 0.0
    return medians, result.files_in_env or 0, result.errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30,200")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "bench-persist")
    parser.add_argument("--other", type=Path, default=Path("/dev/shm"),
                        help="a directory on another filesystem than --workdir")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if os.stat(args.other).st_dev == os.stat(args.workdir).st_dev:
        print(f"{args.other} is on the same filesystem as {args.workdir}: "
              "choose another --workdir or --other", file=sys.stderr)
        return 2
    session = bench.setup_session(args.workdir, time.strftime("%Y%m%d-%H%M%S"))
    other_root = Path(tempfile.mkdtemp(dir=args.other, prefix="bench-persist-"))
    rows = []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            medians, files, errors = measure_app(session, args.workdir, other_root, n,
                                                 args.runs)
            if errors:
                print("\n".join(errors), file=sys.stderr)
                return 1
            rows.append((n, files, medians))
    finally:
        shutil.rmtree(other_root, ignore_errors=True)

    print(f"\nunchanged rebuild, median of {args.runs} runs (bin/compile wall time, s)")
    print(f"{'N':>4} {'files':>6} {'floor':>6} {'in place':>9} {'gnu tar':>8} {'cp -r':>6} "
          f"{'other fs':>9} {'+content':>9} | {'place/floor':>11} {'tar/place':>9} "
          f"{'cp-r/place':>10}")
    for n, files, m in rows:
        place = m["in place"]
        print(f"{n:>4} {files:>6} {m['floor']:>6.3f} {place:>9.3f} {m['gnu tar']:>8.3f} "
              f"{m['cp -r']:>6.3f} {m['other fs']:>9.3f} {m['+content']:>9.3f} | "
              f"{place / m['floor']:>10.2f}x {m['gnu tar'] / place:>8.2f}x "
              f"{m['cp -r'] / place:>9.2f}x")
    print("targets: in place <= 1.5x the floor; after a round trip <= 2x in place")
    return 0


if __name__ == "__main__":
    sys.exit(main())
