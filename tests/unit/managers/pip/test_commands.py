"""What decides an installed package's files, from pip's installation report, and
whether site-packages holds what it should."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from python_buildpack.cache import Distribution
from python_buildpack.context import BuildContext
from python_buildpack.errors import PipResolutionFailed
from python_buildpack.install import distributions as install_site
from python_buildpack.managers.pip import commands as dependencies
from python_buildpack.output import Output
from python_buildpack.runner import CaptureResult
from support.fakes import FakeRunner, make_context
from support.wheels import build_wheel

BUILD = "file:///tmp/build_abc"
APP = "file:///app"
RELOCATE = (BUILD, APP)
SHA = "e" * 64


def item(download_info: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    return {"metadata": {"name": "x", "version": "1"}, "download_info": download_info, **extra}


def test_package_from_the_index_is_known_by_its_archive_hash() -> None:
    info = {"url": "https://files.example/six.whl", "archive_info": {"hashes": {"sha256": SHA}}}
    assert dependencies.source_of(item(info), {}, RELOCATE) == f"archive sha256={SHA}"


def test_archive_without_a_hash_is_known_by_its_url() -> None:
    info = {"url": "https://files.example/six.whl", "archive_info": {}}
    assert dependencies.source_of(item(info), {}, RELOCATE) == (
        "archive https://files.example/six.whl"
    )


def test_git_requirement_is_known_by_its_commit() -> None:
    info = {
        "url": "https://github.com/acme/tool.git",
        "vcs_info": {"vcs": "git", "commit_id": "c" * 40, "requested_revision": "main"},
    }
    assert dependencies.source_of(item(info, is_direct=True), {}, RELOCATE) == (
        f"vcs git https://github.com/acme/tool.git {'c' * 40}"
    )


def test_local_directory_is_known_by_its_app_path_and_content_digest() -> None:
    info = {"url": f"{BUILD}/libs/mylib", "dir_info": {"editable": True}}
    hashes = {f"{APP}/libs/mylib": "digest-of-mylib"}
    assert dependencies.source_of(item(info, is_direct=True), hashes, RELOCATE) == (
        f"dir {APP}/libs/mylib editable=True digest-of-mylib"
    )


def test_directory_that_only_starts_like_the_build_dir_is_not_relocated() -> None:
    info = {"url": f"{BUILD}2/libs/mylib", "dir_info": {}}
    assert dependencies.source_of(item(info, is_direct=True), {}, RELOCATE) == (
        f"dir {BUILD}2/libs/mylib editable=False "
    )


def test_direct_url_archive_is_known_by_url_and_hash() -> None:
    info = {"url": "https://pkgs.example/a-1.0.tar.gz", "archive_info": {"hashes": {"sha256": SHA}}}
    assert dependencies.source_of(item(info, is_direct=True), {}, RELOCATE) == (
        f"url https://pkgs.example/a-1.0.tar.gz {SHA}"
    )


def test_local_archive_falls_back_to_the_fingerprints_digest() -> None:
    info = {"url": f"{BUILD}/vendor/a-1.0.tar.gz", "archive_info": {}}
    hashes = {f"{APP}/vendor/a-1.0.tar.gz": "digest-of-archive"}
    assert dependencies.source_of(item(info, is_direct=True), hashes, RELOCATE) == (
        f"url {APP}/vendor/a-1.0.tar.gz digest-of-archive"
    )


def test_report_becomes_distributions_by_canonical_name() -> None:
    report = {
        "install": [
            {
                "metadata": {"name": "Flask", "version": "3.0.0"},
                "requested": True,
                "download_info": {"url": "u", "archive_info": {"hashes": {"sha256": SHA}}},
            },
            {
                "metadata": {"name": "typing_extensions", "version": "4.9.0"},
                "download_info": {"url": "https://x/t.whl", "archive_info": {}},
            },
        ]
    }
    assert dependencies.distributions_from_report(report, {}, RELOCATE) == {
        "flask": Distribution("flask", "3.0.0", f"archive sha256={SHA}", True, False),
        "typing-extensions": Distribution(
            "typing-extensions", "4.9.0", "archive https://x/t.whl", False, False
        ),
    }
    assert dependencies.distributions_from_report({}, {}, RELOCATE) == {}


def test_requirement_files_become_pip_arguments() -> None:
    assert dependencies.requirement_args(["requirements.txt", "dev.txt"]) == [
        "-r",
        "requirements.txt",
        "-r",
        "dev.txt",
    ]


def test_installed_set_differences_are_named_with_versions(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name, version in [("Flask", "3.0.0"), ("six", "1.15.0"), ("stray", "0.1")]:
        with zipfile.ZipFile(build_wheel(tmp_path / "wheels", name, version)) as wheel:
            wheel.extractall(site)
    expected = {"flask": "3.0.0", "six": "1.16.0", "werkzeug": "3.0.1"}
    assert install_site.installed_mismatch(site, expected) == [
        "six is 1.15.0, expected 1.16.0",
        "stray 0.1 is installed but not required",
        "werkzeug 3.0.1 is missing",
    ]
    assert install_site.installed_mismatch(site, {"flask": "3.0.0", "six": "1.15.0"}) == [
        "stray 0.1 is installed but not required"
    ]


def capture_once(result: CaptureResult) -> FakeRunner:
    """A runner that answers one captured command with `result`."""
    answers = iter([result])
    return FakeRunner(lambda argv: next(answers, None))


def ctx_with(tmp_path: Path, runner: FakeRunner, log: io.StringIO) -> BuildContext:
    return make_context(tmp_path, runner, output=Output(log))


def test_dry_run_logs_the_command_a_user_would_type(tmp_path: Path) -> None:
    runner = capture_once(CaptureResult(0, '{"install": []}', ""))
    log = io.StringIO()
    report = dependencies.resolve(ctx_with(tmp_path, runner, log), ["requirements.txt"], {})
    assert report == {"install": []}
    assert log.getvalue() == (
        "       Running 'pip install -r requirements.txt --dry-run --ignore-installed'\n"
    )
    assert runner.calls == [
        [
            "/app/.heroku/python/bin/python3",
            "-m",
            "pip",
            "install",
            "-r",
            "requirements.txt",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            "-",
        ]
    ]


def test_failed_dry_run_carries_pips_error_lines(tmp_path: Path) -> None:
    stderr = "ERROR: Could not find a version that satisfies the requirement nope==9\n"
    runner = capture_once(CaptureResult(1, "", stderr))
    with pytest.raises(PipResolutionFailed) as caught:
        dependencies.resolve(ctx_with(tmp_path, runner, io.StringIO()), ["requirements.txt"], {})
    assert caught.value.command == "pip install -r requirements.txt --dry-run"
    assert tuple(caught.value.output_tail) == (stderr.strip(),)


def test_source_stored_in_the_manifest_keeps_the_var_not_its_value() -> None:
    token = "fury_9Hs2Kd8Lq1Wm3Nz7Xc5Vb4"
    info = {"url": f"https://pkgs.example/{token}/x.whl", "archive_info": {"hash": f"sha256={SHA}"}}
    report = {"install": [item(info, is_direct=True)]}
    found = dependencies.distributions_from_report(
        report, {}, RELOCATE, lambda text: text.replace(token, "${FURY_TOKEN}")
    )
    assert found["x"].source == f"url https://pkgs.example/${{FURY_TOKEN}}/x.whl sha256={SHA}"
