"""Running pip for the app: install, ask what a clean install would pick, uninstall.

Every run uses the app's own command line (`pip install -r requirements.txt`),
from BUILD_DIR so relative paths resolve as on the developer's machine, in the
environment tool.app_pip_env() builds.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...cache.manifest import Distribution
from ...context import BuildContext
from ...errors import PipInstallFailed, PipResolutionFailed
from ...install.distributions import canonical_name, python_executable
from ...runner import display


def requirement_args(files: Sequence[str]) -> list[str]:
    args: list[str] = []
    for name in files:
        args += ["-r", name]
    return args


def source_of(
    item: Mapping[str, Any], local_hashes: Mapping[str, str], relocate: tuple[str, str]
) -> str:
    """What decides an installed distribution's files, from a pip report entry.

    `relocate` is (BUILD_DIR URI, app dir URI): a path inside the app is recorded
    by where the app runs, which is the same for every build."""
    info: Mapping[str, Any] = item.get("download_info") or {}
    url = str(info.get("url", ""))
    build_uri, app_uri = relocate
    if url == build_uri or url.startswith(build_uri + "/"):
        url = app_uri + url[len(build_uri) :]
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        return f"vcs {vcs.get('vcs')} {url} {vcs.get('commit_id')}"
    if "dir_info" in info:
        editable = bool(info["dir_info"].get("editable"))
        # pip cannot say whether a directory changed; the fingerprint hashed it.
        return f"dir {url} editable={editable} {local_hashes.get(url, '')}"
    archive = info.get("archive_info") or {}
    digest = (archive.get("hashes") or {}).get("sha256") or archive.get("hash")
    if item.get("is_direct"):
        # direct_url.json records the URL itself, so it is part of the files.
        return f"url {url} {digest or local_hashes.get(url, '')}"
    return f"archive sha256={digest}" if digest else f"archive {url}"


def distributions_from_report(
    report: Mapping[str, Any],
    local_hashes: Mapping[str, str],
    relocate: tuple[str, str],
    as_written: Callable[[str], str] = str,
) -> dict[str, Distribution]:
    """`as_written` puts `${VAR}` references back into URLs: the manifest stores
    sources, and a token must not be stored."""
    found = {}
    for item in report.get("install", []):
        meta = item["metadata"]
        name = canonical_name(meta["name"])
        found[name] = Distribution(
            name=name,
            version=str(meta["version"]),
            source=as_written(source_of(item, local_hashes, relocate)),
            requested=bool(item.get("requested")),
            direct=bool(item.get("is_direct")),
        )
    return found


def install(
    ctx: BuildContext, files: Sequence[str], env: Mapping[str, str], extra: Sequence[str] = ()
) -> dict[str, Any]:
    """`pip install -r ...`, streamed; returns pip's installation report. `extra`:
    arguments not shown in the log (index_pages.pip_args: its --log file)."""
    args = requirement_args(files)
    ctx.output.info(f"Running 'pip install {' '.join(args)}'")
    with tempfile.TemporaryDirectory(prefix="pip-report-") as tmp:
        report_path = Path(tmp) / "report.json"
        argv = [str(python_executable(ctx)), "-m", "pip", "install", *args]
        argv += ["--progress-bar", "off", "--report", str(report_path), *extra]
        result = ctx.runner.stream(argv, env=env, cwd=ctx.build_dir, output=ctx.output)
        if result.returncode != 0:
            raise PipInstallFailed(f"pip install {' '.join(args)}", result.tail)
        report: dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return report


def resolve(
    ctx: BuildContext, files: Sequence[str], env: Mapping[str, str], extra: Sequence[str] = ()
) -> dict[str, Any]:
    """What a clean install would pick now, installing nothing (pip's dry run)."""
    args = requirement_args(files)
    argv = [str(python_executable(ctx)), "-m", "pip", "install", *args]
    argv += ["--dry-run", "--ignore-installed", "--quiet", "--report", "-", *extra]
    ctx.output.info(f"Running 'pip install {' '.join(args)} --dry-run --ignore-installed'")
    result = ctx.runner.capture(argv, env=env, cwd=ctx.build_dir)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).splitlines()
        raise PipResolutionFailed(f"pip install {' '.join(args)} --dry-run", tuple(lines))
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def uninstall(ctx: BuildContext, names: Sequence[str], env: Mapping[str, str]) -> None:
    argv = [str(python_executable(ctx)), "-m", "pip", "uninstall", "--yes", *sorted(names)]
    ctx.output.info(f"Running 'pip uninstall --yes {' '.join(sorted(names))}'")
    result = ctx.runner.stream(argv, env=env, cwd=ctx.build_dir, output=ctx.output)
    if result.returncode != 0:
        raise PipInstallFailed(display(argv[2:]), result.tail)
