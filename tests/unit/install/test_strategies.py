"""Carrying out the cache decision, with pip's own logic but no pip process: a fake
runner installs, uninstalls and resolves test wheels for real, in milliseconds, so
each strategy is checked against the files it leaves in site-packages."""

from __future__ import annotations

import email.parser
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from python_buildpack.cache import FORMAT, Manifest
from python_buildpack.cache.inputs import Fingerprint, Platform
from python_buildpack.context import BuildContext
from python_buildpack.install import distributions, plan, python
from python_buildpack.install.strategies import Outcome, Strategies
from python_buildpack.managers.pip.manager import Pip
from python_buildpack.output import Output
from python_buildpack.python_version import ResolvedPythonVersion
from python_buildpack.report import CacheStatus
from python_buildpack.runner import CaptureResult, StreamResult
from support.fakes import FakeRunner, make_context
from support.wheels import build_wheel

PYTHON = ResolvedPythonVersion(3, 12, 4)
PLATFORM = Platform("heroku-24", "amd64", "/app", str(PYTHON), "runtime")


class FakePip(FakeRunner):
    """`pip install -r`, `pip install --dry-run --ignore-installed`, `pip uninstall`
    and the bootstrap of pip itself, against a directory of wheels."""

    def __init__(self, wheelhouse: Path, site_packages: Path) -> None:
        super().__init__()
        self.wheelhouse = wheelhouse
        self.site = site_packages
        self.commands: list[str] = []

    def stream(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, output: Output
    ) -> StreamResult:
        args = list(argv[3:])  # after `python -m pip`
        if args[0] == "uninstall":
            self.commands.append(" ".join(["pip uninstall", *args[2:]]))
            for name in args[2:]:
                self._uninstall(canonicalize_name(name))
            return StreamResult(0, ())
        self.commands.append(" ".join(["pip install", *args[1 : args.index("--progress-bar")]]))
        picked = self._resolve(cwd, args, ignore_installed=False)
        report = []
        for name, wheel in picked.items():
            if _installed_version(self.site, name) != _version_of(wheel):
                self._uninstall(name)
                with zipfile.ZipFile(wheel) as archive:
                    archive.extractall(self.site)
                report.append(_report_item(wheel, requested=name in self.requested))
        Path(args[args.index("--report") + 1]).write_text(json.dumps({"install": report}))
        return StreamResult(0, ())

    def capture(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        stdin: str | None = None,
    ) -> CaptureResult:
        args = list(argv[3:])
        if "--dry-run" in args:
            self.commands.append("pip install --dry-run")
            picked = self._resolve(cwd, args, ignore_installed=True)
            items = [_report_item(w, requested=n in self.requested) for n, w in picked.items()]
            return CaptureResult(0, json.dumps({"install": items}), "")
        if argv[-1].endswith(".whl") and "--no-deps" in argv:  # bootstrapping pip
            self.commands.append("bootstrap pip")
            with zipfile.ZipFile(argv[-1]) as archive:
                archive.extractall(self.site)
            return CaptureResult(0, "", "")
        return super().capture(argv, env=env, cwd=cwd, stdin=stdin)

    def _resolve(self, cwd: Path, args: list[str], *, ignore_installed: bool) -> dict[str, Path]:
        files = [args[i + 1] for i, a in enumerate(args) if a == "-r"]
        pending = [Requirement(line) for f in files for line in _lines(cwd / f)]
        self.requested = {canonicalize_name(r.name) for r in pending}
        picked: dict[str, Path] = {}
        while pending:
            req = pending.pop(0)
            name = canonicalize_name(req.name)
            if name in picked:
                continue
            have = None if ignore_installed else _installed_version(self.site, name)
            if have is not None and req.specifier.contains(have, prereleases=True):
                continue  # already satisfied: pip leaves it
            candidates = [
                w
                for w in self.wheelhouse.glob("*.whl")
                if canonicalize_name(_name_of(w)) == name and _version_of(w) in req.specifier
            ]
            wheel = max(candidates, key=lambda w: Version(_version_of(w)))
            picked[name] = wheel
            pending += [Requirement(r) for r in _metadata(wheel).get_all("Requires-Dist") or []]
        return picked

    def _uninstall(self, name: str) -> None:
        for info in self.site.glob("*.dist-info"):
            if canonicalize_name(info.name.split("-")[0]) == name:
                for row in (info / "RECORD").read_text().splitlines():
                    (self.site / row.split(",")[0]).unlink(missing_ok=True)
                shutil.rmtree(info)


def _lines(path: Path) -> list[str]:
    return [line.split("#")[0].strip() for line in path.read_text().splitlines() if line.strip()]


def _name_of(wheel: Path) -> str:
    return wheel.name.split("-")[0]


def _version_of(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        member = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.HeaderParser().parsestr(archive.read(member).decode())


def _installed_version(site_packages: Path, name: str) -> str | None:
    return distributions.installed_distributions(site_packages).get(name)


def _report_item(wheel: Path, *, requested: bool) -> dict[str, object]:
    meta = _metadata(wheel)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return {
        "metadata": {"name": meta["Name"], "version": meta["Version"]},
        "download_info": {"url": wheel.as_uri(), "archive_info": {"hashes": {"sha256": digest}}},
        "requested": requested,
        "is_direct": False,
    }


# --- an app --------------------------------------------------------------------------


class App:
    def __init__(self, tmp_path: Path) -> None:
        self.wheels = tmp_path / "wheels"
        build = tmp_path / "build"
        build.mkdir()
        pip_wheel = build_wheel(build / "buildpack" / "vendor" / "wheels", "pip", "24.0")
        pins = build / "buildpack" / "requirements" / "pip.txt"
        pins.parent.mkdir(parents=True)
        pins.write_text(
            f"pip==24.0 --hash=sha256:{hashlib.sha256(pip_wheel.read_bytes()).hexdigest()}\n"
        )
        self.runner = FakePip(self.wheels, Path())
        self.log = io.StringIO()
        self.ctx: BuildContext = make_context(build, self.runner, output=Output(self.log))
        self.site = distributions.site_packages(self.ctx.python_dir, PYTHON.major_minor)
        self.runner.site = self.site

    def publish(self, name: str, version: str, requires: Sequence[str] = ()) -> None:
        build_wheel(self.wheels, name, version, requires=requires)

    def requirements(self, text: str) -> None:
        (self.ctx.build_dir / "requirements.txt").write_text(text)

    def manager(self) -> Pip:
        manager = Pip(self.ctx, PYTHON, test=False)
        manager.prepare(None)
        return manager

    def strategies(self, manager: Pip) -> Strategies:
        return Strategies(self.ctx, None, manager, PYTHON, "file:///runtimes", ".python-version")

    def fingerprint(self, manager: Pip) -> Fingerprint[object]:
        return Fingerprint(PLATFORM, "pip", manager.facts.inputs)

    def first_build(self, monkeypatch: pytest.MonkeyPatch) -> Manifest:
        """A fresh build, then the manifest a cache would hold for it."""
        manager = self.manager()
        monkeypatch.setattr(python, "install_runtime", self.fake_runtime)
        outcome = self.strategies(manager).carry_out(plan.Rebuild())
        dists = tuple(sorted(outcome.distributions.values(), key=lambda d: d.name))
        self.runner.commands.clear()
        return Manifest(FORMAT, self.fingerprint(manager).to_json(), dists, {})

    def fake_runtime(self, ctx: BuildContext, *args: object) -> None:
        """A runtime is a site-packages dir and ensurepip's bundled wheel."""
        self.site.mkdir(parents=True)
        bundled = self.ctx.python_dir / "lib" / "python3.12" / "ensurepip" / "_bundled"
        bundled.mkdir(parents=True)
        (bundled / "pip-23.0-py3-none-any.whl").write_bytes(b"")

    def decide_and_carry_out(self, manifest: Manifest) -> Outcome:
        manager = self.manager()
        decision = plan.decide(manifest, self.fingerprint(manager), [], enabled=True)
        return self.strategies(manager).carry_out(decision)

    def installed(self) -> dict[str, str]:
        return distributions.installed_distributions(self.site)


@pytest.fixture
def app(tmp_path: Path) -> App:
    return App(tmp_path)


# --- the strategies ---------------------------------------------------------------------


def test_fresh_build_installs_pip_and_every_requirement(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("flask", "3.0.0", requires=["werkzeug>=3"])
    app.publish("werkzeug", "3.0.1")
    app.requirements("flask==3.0.0\nwerkzeug==3.0.1\n")
    app.runner.commands.clear()
    manager = app.manager()
    monkeypatch.setattr(python, "install_runtime", app.fake_runtime)
    outcome = app.strategies(manager).carry_out(plan.Rebuild(("The stack changed",)))
    assert (outcome.status, outcome.reasons) == (CacheStatus.DISCARDED, ("The stack changed",))
    assert app.runner.commands == ["bootstrap pip", "pip install -r requirements.txt"]
    assert app.installed() == {"flask": "3.0.0", "werkzeug": "3.0.1", "pip": "24.0"}
    assert app.log.getvalue().splitlines()[:2] == [
        "-----> Discarding cache since:",
        "       - The stack changed",
    ]


def test_unchanged_pinned_app_is_reused_without_running_pip(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("six", "1.16.0")
    app.requirements("six==1.16.0\n")
    manifest = app.first_build(monkeypatch)
    outcome = app.decide_and_carry_out(manifest)
    assert (outcome.status, outcome.reused) == (CacheStatus.REUSED, manifest)
    assert app.runner.commands == []


def test_removed_pin_is_uninstalled_and_nothing_else_runs(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("six", "1.16.0")
    app.publish("idna", "3.7")
    app.requirements("six==1.16.0\nidna==3.7\n")
    manifest = app.first_build(monkeypatch)
    app.requirements("six==1.16.0\n")
    outcome = app.decide_and_carry_out(manifest)
    assert outcome.status is CacheStatus.UPDATED
    assert outcome.reasons == ("requirements.txt: idna==3.7 was removed",)
    assert app.runner.commands == ["pip uninstall idna"]
    assert "-----> Updating the cached environment since:" in app.log.getvalue()
    assert app.installed() == {"six": "1.16.0", "pip": "24.0"}
    assert not (app.site / "idna").exists()


def test_bumped_pin_is_installed_over_the_old_version(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("six", "1.15.0")
    app.publish("six", "1.16.0")
    app.requirements("six==1.15.0\n")
    manifest = app.first_build(monkeypatch)
    app.requirements("six==1.16.0\n")
    outcome = app.decide_and_carry_out(manifest)
    assert outcome.status is CacheStatus.UPDATED
    assert app.runner.commands == ["pip install -r requirements.txt"]
    assert app.installed() == {"six": "1.16.0", "pip": "24.0"}
    assert {d.version for d in outcome.distributions.values()} == {"1.16.0"}


def test_dependency_no_longer_required_is_removed_on_the_pinned_path(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("flask", "3.0.0", requires=["werkzeug"])
    app.publish("flask", "3.1.0")
    app.publish("werkzeug", "3.0.1")
    app.requirements("flask==3.0.0\nwerkzeug==3.0.1\n")
    manifest = app.first_build(monkeypatch)
    app.requirements("flask==3.1.0\n")
    outcome = app.decide_and_carry_out(manifest)
    assert outcome.status is CacheStatus.UPDATED
    assert app.installed() == {"flask": "3.1.0", "pip": "24.0"}
    assert "pip uninstall werkzeug" in app.runner.commands


def test_newer_release_of_an_unpinned_requirement_is_found_by_the_dry_run(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("six", "1.15.0")
    app.requirements("six>=1.0\n")
    manifest = app.first_build(monkeypatch)
    app.publish("six", "1.16.0")
    outcome = app.decide_and_carry_out(manifest)
    assert outcome.status is CacheStatus.UPDATED
    assert outcome.reasons == ("pip would now install six 1.16.0 instead of 1.15.0",)
    assert app.runner.commands == [
        "pip install --dry-run",
        "pip uninstall six",
        "pip install -r requirements.txt",
    ]
    assert app.installed() == {"six": "1.16.0", "pip": "24.0"}


def test_unpinned_requirement_with_no_newer_release_is_reused_after_the_dry_run(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("six", "1.16.0")
    app.requirements("six\n")
    manifest = app.first_build(monkeypatch)
    outcome = app.decide_and_carry_out(manifest)
    assert outcome.status is CacheStatus.REUSED
    assert app.runner.commands == ["pip install --dry-run"]


def test_update_that_leaves_a_stray_file_rebuilds_from_scratch(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.publish("six", "1.15.0")
    app.requirements("six>=1.0\n")
    manifest = app.first_build(monkeypatch)
    (app.site / "six" / "generated.py").write_text("left by a hook\n")
    app.publish("six", "1.16.0")
    outcome = app.decide_and_carry_out(manifest)
    assert outcome.status is CacheStatus.DISCARDED
    assert outcome.reasons == (
        "pip would now install six 1.16.0 instead of 1.15.0",
        "six/generated.py belongs to no installed package",
    )
    assert app.installed() == {"six": "1.16.0", "pip": "24.0"}
    assert not (app.site / "six" / "generated.py").exists()
