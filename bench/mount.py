#!/usr/bin/env python3
"""The unchanged rebuild with the cache on another filesystem, next to the same
filesystem, in one run; and what PYTHON_BUILD_CACHE_VERIFY=content costs.

    .venv/bin/python bench/mount.py                      # N=30,200, 5 runs
    .venv/bin/python bench/mount.py --sizes 30 --runs 3 --other /dev/shm

For each app of N generated packages (bench/run.py's), and each cache placement
(`same`: beside the build dirs under --workdir; `other`: under --other, a tmpfs
here, so another filesystem, where the buildpack copies instead of hard-linking),
it makes the cache with one cold build (with the var set, so that the save records
the hashes), then times, interleaved run by run:

    unchanged          bin/compile of the same app              -> reused
    unchanged+content  the same with PYTHON_BUILD_CACHE_VERIFY=content -> reused

and, in-process on the saved environment, the parts: linking it into a build dir,
copying it there (what a restore costs in each mode), and hashing every file (what
saving the hashes and checking them costs). Medians; the log of every build is
kept under --workdir/logs.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "lib"))

import run as bench  # noqa: E402  (bench/run.py)

from python_buildpack.cache import tree  # noqa: E402

VERIFY = "PYTHON_BUILD_CACHE_VERIFY"


def _timed(action: object, *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    action(*args, **kwargs)  # type: ignore[operator]
    return time.perf_counter() - started


def parts(env: Path, other_env: Path, build_side: Path, repeats: int) -> dict[str, float]:
    """Restore by links (env on the build's filesystem), by copies (env on the other
    one), coreutils' `cp -a` of the same, hash every file: medians, seconds."""
    times: dict[str, list[float]] = {"link": [], "copy": [], "cp -a": [], "hash": []}
    for _ in range(repeats):
        for mode, source in (("link", env), ("copy", other_env)):
            dst = build_side / f"restore-{mode}"
            times[mode].append(_timed(tree.link_tree, source, dst, copy=mode == "copy"))
            shutil.rmtree(dst)
        dst = build_side / "cp-a"
        times["cp -a"].append(_timed(subprocess.run, ["cp", "-a", str(other_env), str(dst)],
                                     check=True))
        shutil.rmtree(dst)
        snap = tree.snapshot(env)
        times["hash"].append(_timed(tree.content_hashes, env, snap))
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30,200")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=ROOT / ".cache" / "bench-mount")
    parser.add_argument("--other", type=Path, default=Path("/dev/shm"),
                        help="a directory on another filesystem than --workdir")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if os.stat(args.other).st_dev == os.stat(args.workdir).st_dev:
        print(f"{args.other} is on the same filesystem as {args.workdir}", file=sys.stderr)
        return 2
    session = bench.setup_session(args.workdir, time.strftime("%Y%m%d-%H%M%S"))
    other_root = Path(tempfile.mkdtemp(dir=args.other, prefix="bench-mount-"))
    rows = []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            spec = bench.synthetic_app(args.workdir, n)
            result = bench.AppResult(spec)
            runner = bench.Bench(session, spec, result)
            plain_env = runner.env_dir
            content_env = plain_env.with_name(plain_env.name + "-content")
            shutil.rmtree(content_env, ignore_errors=True)
            shutil.copytree(plain_env, content_env)
            (content_env / VERIFY).write_text("content")
            caches = {"same": session.fresh("cache"), "other": other_root / f"cache-{n}"}
            cold = {}
            # With the var: the save records the hashes the +content builds check.
            runner.env_dir = content_env
            for where, cache in caches.items():
                _, sample = runner.build("cold", cache, "empty", timed=False, run=0)
                cold[where] = sample.seconds
            samples: dict[str, list[float]] = {}
            for number in range(1, args.runs + 1):
                for where, cache in caches.items():
                    for verify, env_dir in (("", plain_env), ("+content", content_env)):
                        runner.env_dir = env_dir
                        _, sample = runner.build("unchanged", cache, "reused", timed=False,
                                                 run=number)
                        samples.setdefault(f"{where}{verify}", []).append(sample.seconds)
                runner.env_dir = plain_env
            env = caches["same"] / "python" / "env"
            files = sum(1 for entry in tree.snapshot(env).values() if entry[0] != "link")
            size = sum(f.stat().st_size for f in env.rglob("*") if f.is_file()
                       and not f.is_symlink())
            other_env = caches["other"] / "python" / "env"
            split = parts(env, other_env, session.fresh("parts"), max(3, args.runs))
            medians = {k: statistics.median(v) for k, v in samples.items()}
            rows.append((n, files, size, cold, medians, split))
            if result.errors:
                print("\n".join(result.errors), file=sys.stderr)
                return 1
    finally:
        shutil.rmtree(other_root, ignore_errors=True)

    print(f"\nunchanged rebuild, median of {args.runs} (bin/compile wall time, seconds)")
    for n, files, size, cold, med, split in rows:
        print(f"N={n}: env of {files} files, {size / 1e6:.0f} MB; cold build "
              f"{cold['same']:.2f} s (same fs), {cold['other']:.2f} s (other fs)")
        print(f"  cache on the same filesystem (hard links) {med['same']:.3f} s, "
              f"with {VERIFY}=content {med['same+content']:.3f} s")
        print(f"  cache on another filesystem (copies)      {med['other']:.3f} s, "
              f"with {VERIFY}=content {med['other+content']:.3f} s")
        print(f"  in-process: link the env {split['link']:.3f} s, copy it from the other "
              f"filesystem {split['copy']:.3f} s (cp -a: {split['cp -a']:.3f} s), "
              f"hash every file {split['hash']:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
