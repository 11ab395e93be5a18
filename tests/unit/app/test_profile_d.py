"""The dyno's environment: `.profile.d/python.sh` as compile writes it, sourced by
bash as a dyno does, with the cgroup files and the CPU count of the dyno faked.

The expectations are those of Heroku's classic buildpack (its
spec/hatchet/profile_d_scripts_spec.rb and pipenv_spec.rb) wherever README.md does
not say why ours differ. The script reads the memory limit from /sys/fs/cgroup, as
classic's does; the test runs a copy with that path replaced by a directory it
fills.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from python_buildpack.app import profile_d
from python_buildpack.managers.lockfile.commands import PIPENV, runtime_env
from python_buildpack.managers.pip.manager import PIP_RUNTIME_ENV

HOME = "/app"
CGROUP = "/sys/fs/cgroup"
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
# What bash itself puts in the environment.
BASH_OWN = {"PWD", "SHLVL", "_", "OLDPWD"}
MB = 1024 * 1024
V1_LIMIT = "memory/memory.limit_in_bytes"
V2_LIMIT = "memory.max"
V1_UNLIMITED = "9223372036854771712"


def dyno_env(
    tmp_path: Path,
    *,
    cgroup: dict[str, str],
    cpus: int | None = 8,
    env: dict[str, str] | None = None,
    manager: str = "pip",
) -> tuple[dict[str, str], str]:
    """(the environment after boot, what the script printed on stderr)."""
    fake_cgroup = tmp_path / "cgroup"
    for rel, text in cgroup.items():
        (fake_cgroup / rel).parent.mkdir(parents=True, exist_ok=True)
        (fake_cgroup / rel).write_text(text + "\n", encoding="utf-8")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    # `nproc` first on PATH; None: one that fails.
    nproc = fake_bin / "nproc"
    said = f"echo {cpus}" if cpus is not None else "exit 1"
    nproc.write_text(f"#!/bin/sh\n{said}\n", encoding="utf-8")
    nproc.chmod(0o755)
    runtime = {"pip": PIP_RUNTIME_ENV, "pipenv": runtime_env(PIPENV)}[manager]
    text = profile_d.profile_script(manager=runtime)
    assert text.count(CGROUP) == 1, "the script names the cgroup root in one place"
    script = tmp_path / "python.sh"
    script.write_text(text.replace(CGROUP, str(fake_cgroup)), encoding="utf-8")
    start = {"HOME": HOME, "PATH": f"{fake_bin}:{BASE_PATH}", **(env or {})}
    proc = subprocess.run(
        ["/bin/bash", "-c", f'. "{script}" && /usr/bin/env -0'],
        env=start,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    found = dict(item.split("=", 1) for item in proc.stdout.split("\0") if item)
    for name in BASH_OWN:
        found.pop(name, None)
    return found, proc.stderr


def concurrency(found: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in found.items() if k == "DYNO_RAM" or k.startswith("WEB_CONCURRENCY")}


def test_worker_dyno_of_a_pip_app_gets_classics_variables_and_keeps_the_apps_own(
    tmp_path: Path,
) -> None:
    """Classic's first scenario: config vars set by the app, a Standard-1X worker."""
    user = {
        "DYNO": "example-worker.1",
        "DYNO_RAM": "this-should-be-overridden",
        "GUNICORN_CMD_ARGS": "this-should-be-preserved",
        "LD_LIBRARY_PATH": "/this-should-be-preserved",
        "LIBRARY_PATH": "/this-should-be-preserved",
        "PYTHONHOME": "/this-should-be-overridden",
        "PYTHONPATH": "/this-should-be-preserved",
        "WEB_CONCURRENCY": "this-should-be-preserved",
    }
    found, said = dyno_env(tmp_path, cgroup={V1_LIMIT: str(512 * MB)}, env=user)
    assert found == {
        "DYNO": "example-worker.1",
        "DYNO_RAM": "512",
        "FORWARDED_ALLOW_IPS": "*",
        "GUNICORN_CMD_ARGS": "this-should-be-preserved",
        "HOME": "/app",
        "LANG": "C.UTF-8",
        "LD_LIBRARY_PATH": "/app/.heroku/python/lib:/this-should-be-preserved",
        "LIBRARY_PATH": "/app/.heroku/python/lib:/this-should-be-preserved",
        "PATH": f"/app/.heroku/python/bin:{tmp_path / 'bin'}:{BASE_PATH}",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONHASHSEED": "random",
        "PYTHONHOME": "/app/.heroku/python",
        "PYTHONPATH": "/this-should-be-preserved",
        "PYTHONUNBUFFERED": "true",
        "WEB_CONCURRENCY": "this-should-be-preserved",
    }
    assert said == "", "only web dynos explain WEB_CONCURRENCY"


def test_scripts_run_from_the_app_dir_import_the_apps_package_by_default(
    tmp_path: Path,
) -> None:
    found, _ = dyno_env(tmp_path, cgroup={V1_LIMIT: str(512 * MB)})
    assert found["PYTHONPATH"] == "/app"


@pytest.mark.parametrize(
    ("limit_file", "mb", "cpus", "workers", "reason"),
    [
        # Classic's dyno sizes (cgroup v1, as on Heroku).
        (V1_LIMIT, 512, 8, "2", "one worker per 256 MB of the dyno's 512 MB of memory and 8 CPUs"),
        (
            V1_LIMIT,
            1024,
            8,
            "4",
            "one worker per 256 MB of the dyno's 1024 MB of memory and 8 CPUs",
        ),
        (
            V1_LIMIT,
            2560,
            2,
            "5",
            "2 workers per CPU plus one, for the dyno's 2560 MB of memory and 2 CPUs",
        ),
        (
            V1_LIMIT,
            14336,
            8,
            "17",
            "2 workers per CPU plus one, for the dyno's 14336 MB of memory and 8 CPUs",
        ),
        (
            V1_LIMIT,
            129024,
            16,
            "33",
            "2 workers per CPU plus one, for the dyno's 129024 MB of memory and 16 CPUs",
        ),
        # A container limited through cgroup v2 (Docker, Dokku).
        (
            V2_LIMIT,
            1024,
            8,
            "4",
            "one worker per 256 MB of the dyno's 1024 MB of memory and 8 CPUs",
        ),
        # Tiny: less than 256 MB still gets one worker (classic's floor).
        (V1_LIMIT, 100, 4, "1", "one worker per 256 MB of the dyno's 100 MB of memory and 4 CPUs"),
        (V2_LIMIT, 300, 4, "1", "one worker per 256 MB of the dyno's 300 MB of memory and 4 CPUs"),
    ],
)
def test_web_dyno_sizes_web_concurrency_from_its_memory_limit_and_cpus(
    tmp_path: Path, limit_file: str, mb: int, cpus: int, workers: str, reason: str
) -> None:
    found, said = dyno_env(
        tmp_path, cgroup={limit_file: str(mb * MB)}, cpus=cpus, env={"DYNO": "web.1"}
    )
    assert concurrency(found) == {
        "DYNO_RAM": str(mb),
        "WEB_CONCURRENCY": workers,
        "WEB_CONCURRENCY_SET_BY": "heroku/python",
    }
    assert said == f"Python buildpack: WEB_CONCURRENCY={workers}: {reason}.\n"


def test_web_concurrency_the_app_set_is_kept_and_dyno_ram_still_set(tmp_path: Path) -> None:
    found, said = dyno_env(
        tmp_path,
        cgroup={V1_LIMIT: str(512 * MB)},
        env={"DYNO": "web.1", "WEB_CONCURRENCY": "999"},
    )
    assert concurrency(found) == {"DYNO_RAM": "512", "WEB_CONCURRENCY": "999"}
    assert said == (
        "Python buildpack: WEB_CONCURRENCY=999, as the app set it"
        " (the dyno has 512 MB of memory and 8 CPUs).\n"
    )


@pytest.mark.parametrize(
    "cgroup",
    [
        pytest.param({V1_LIMIT: V1_UNLIMITED}, id="cgroup-v1-unlimited"),
        pytest.param({V2_LIMIT: "max"}, id="cgroup-v2-max"),
        pytest.param({}, id="no-cgroup-files"),
    ],
)
def test_dyno_without_a_memory_limit_gets_no_guessed_web_concurrency(
    tmp_path: Path, cgroup: dict[str, str]
) -> None:
    found, said = dyno_env(tmp_path, cgroup=cgroup, env={"DYNO": "web.1"})
    assert concurrency(found) == {}
    assert said == (
        "Python buildpack: WEB_CONCURRENCY not set: this dyno has no memory limit to size it by.\n"
    )


def test_dyno_whose_cpu_count_is_unknown_gets_no_web_concurrency(tmp_path: Path) -> None:
    found, said = dyno_env(
        tmp_path, cgroup={V1_LIMIT: str(512 * MB)}, cpus=None, env={"DYNO": "web.1"}
    )
    assert concurrency(found) == {}
    assert said == (
        "Python buildpack: WEB_CONCURRENCY not set: the number of CPUs is unknown (nproc failed).\n"
    )


def test_pipenv_app_dyno_finds_pipenv_after_the_apps_python_with_classics_settings(
    tmp_path: Path,
) -> None:
    found, _ = dyno_env(tmp_path, cgroup={V1_LIMIT: str(512 * MB)}, manager="pipenv")
    assert found["PATH"] == (
        f"/app/.heroku/python/bin:/app/.heroku/python/pipenv/bin:{tmp_path / 'bin'}:{BASE_PATH}"
    )
    assert {k: found.get(k) for k in ("PIPENV_SYSTEM", "PIPENV_VERBOSITY", "VIRTUAL_ENV")} == {
        "PIPENV_SYSTEM": "1",
        "PIPENV_VERBOSITY": "-1",
        "VIRTUAL_ENV": "/app/.heroku/python",
    }
    assert "PIP_DISABLE_PIP_VERSION_CHECK" not in found
