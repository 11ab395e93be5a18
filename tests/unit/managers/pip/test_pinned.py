"""Updating a fully pinned app without pip's dry run: which installed packages the
changed lines make stale, and what the requirement lines reach through metadata."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

from python_buildpack.managers.pip import inputs as pip_inputs
from python_buildpack.managers.pip import pinned as resolution
from python_buildpack.managers.pip.inputs import Line
from python_buildpack.managers.pip.pinned import PinnedPlan
from python_buildpack.requirements import RequirementsGraph, parse_requirements_graph
from support.fakes import FakeRunner, make_context
from support.wheels import build_wheel

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64
ENV = resolution.marker_environment("3.12.4")
# canonical name -> (version, Requires-Dist lines), as installed_requirements() gives it
Installed = dict[str, tuple[str, list[str]]]


def graph_of(files: Mapping[str, str]) -> RequirementsGraph:
    return parse_requirements_graph("requirements.txt", files.__getitem__, config_vars={})


def entries_of(tmp_path: Path, files: Mapping[str, str]) -> Mapping[str, Line]:
    """The fingerprint's requirement entries, as the cache manifest keeps them."""
    ctx = make_context(tmp_path, FakeRunner())
    facts = pip_inputs.compute(ctx, [graph_of(files)], ["requirements.txt"], pip="24.0")
    return facts.inputs.entries


def plan(tmp_path: Path, old: str, new: str, installed: Mapping[str, str]) -> PinnedPlan:
    return resolution.plan_pinned_update(
        entries_of(tmp_path, {"requirements.txt": old}),
        entries_of(tmp_path, {"requirements.txt": new}),
        installed,
    )


# --- plan_pinned_update -------------------------------------------------------------


def test_unchanged_lines_need_nothing(tmp_path: Path) -> None:
    text = "flask==3.0.0\nsix==1.16.0\n"
    assert plan(tmp_path, text, text, {"flask": "3.0.0", "six": "1.16.0"}) == PinnedPlan((), False)


def test_bumped_pin_is_left_to_pip_to_replace(tmp_path: Path) -> None:
    found = plan(tmp_path, "flask==3.0.0\n", "flask==3.0.3\n", {"flask": "3.0.0"})
    assert found == PinnedPlan(uninstall=(), install=True)


def test_removed_line_uninstalls_its_package_without_installing(tmp_path: Path) -> None:
    found = plan(
        tmp_path, "flask==3.0.0\nsix==1.16.0\n", "flask==3.0.0\n", {"flask": "3.0.0", "six": "1.16"}
    )
    assert found == PinnedPlan(uninstall=("six",), install=False)


def test_removed_line_of_a_package_that_is_not_installed_needs_nothing(tmp_path: Path) -> None:
    old = 'flask==3.0.0\ntomli==2.0.1 ; python_version < "3.11"\n'
    assert plan(tmp_path, old, "flask==3.0.0\n", {"flask": "3.0.0"}) == PinnedPlan((), False)


def test_new_line_installs_without_uninstalling(tmp_path: Path) -> None:
    found = plan(tmp_path, "flask==3.0.0\n", "flask==3.0.0\nsix==1.16.0\n", {"flask": "3.0.0"})
    assert found == PinnedPlan(uninstall=(), install=True)


def test_new_hash_for_the_installed_version_reinstalls_it(tmp_path: Path) -> None:
    # pip would keep the installed copy: same version, so it must go first.
    found = plan(
        tmp_path,
        f"six==1.16.0 --hash={HASH_A}\n",
        f"six==1.16.0 --hash={HASH_B}\n",
        {"six": "1.16.0"},
    )
    assert found == PinnedPlan(uninstall=("six",), install=True)


def test_added_extra_at_the_installed_version_reinstalls_it(tmp_path: Path) -> None:
    found = plan(tmp_path, "celery==5.3.6\n", "celery[redis]==5.3.6\n", {"celery": "5.3.6"})
    assert found == PinnedPlan(uninstall=("celery",), install=True)


def test_pin_loosened_to_a_range_removes_the_package_first(tmp_path: Path) -> None:
    found = plan(tmp_path, "flask==3.0.0\n", "flask>=3\n", {"flask": "3.0.0"})
    assert found == PinnedPlan(uninstall=("flask",), install=True)


def test_uninstalls_come_sorted_by_name(tmp_path: Path) -> None:
    found = plan(
        tmp_path,
        "zope-interface==6.0\nattrs==23.1.0\nflask==3.0.0\n",
        "flask==3.0.0\n",
        {"zope-interface": "6.0", "attrs": "23.1.0", "flask": "3.0.0"},
    )
    assert found == PinnedPlan(uninstall=("attrs", "zope-interface"), install=False)


# --- closure over installed metadata ---------------------------------------------------


def install_wheels(site: Path, *wheels: Path) -> Path:
    site.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
    return site


def test_installed_requirements_reads_versions_and_requires_dist(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    site = install_wheels(
        tmp_path / "site",
        build_wheel(wheels, "Flask", "3.0.0", requires=["Werkzeug>=3.0", "click>=8.1"]),
        build_wheel(wheels, "zope.interface", "6.0"),
    )
    assert resolution.installed_requirements(site) == {
        "flask": ("3.0.0", ["Werkzeug>=3.0", "click>=8.1"]),
        "zope-interface": ("6.0", []),
    }


def test_closure_follows_requires_dist_extras_and_markers() -> None:
    installed = {
        "celery": ("5.3.6", ["kombu>=5", 'redis>=4; extra == "redis"', 'sqs; extra == "sqs"']),
        "kombu": ("5.3.4", ["vine", 'backports-zoneinfo; python_version < "3.9"']),
        "vine": ("5.1.0", []),
        "redis": ("5.0.1", []),
        "sqs": ("1.0", []),
        "stray": ("1.0", []),
    }
    graph = graph_of({"requirements.txt": "celery[redis]==5.3.6\n"})
    reached, problems = resolution.closure([graph], installed, ENV)
    assert (reached, problems) == ({"celery", "kombu", "vine", "redis"}, [])


def test_requirement_whose_marker_is_false_reaches_nothing() -> None:
    installed: Installed = {"flask": ("3.0.0", []), "tomli": ("2.0.1", [])}
    graph = graph_of({"requirements.txt": 'flask==3.0.0\ntomli==2.0.1 ; python_version < "3.11"\n'})
    assert resolution.closure([graph], installed, ENV) == ({"flask"}, [])


def test_constraint_lines_reach_nothing_themselves() -> None:
    files = {
        "requirements.txt": "-c constraints.txt\nflask==3.0.0\n",
        "constraints.txt": "six==1\n",
    }
    installed: Installed = {"flask": ("3.0.0", []), "six": ("1", [])}
    assert resolution.closure([graph_of(files)], installed, ENV) == ({"flask"}, [])


def test_dependency_cycle_terminates() -> None:
    installed = {"a": ("1", ["b"]), "b": ("1", ["A"])}
    graph = graph_of({"requirements.txt": "a==1\n"})
    assert resolution.closure([graph], installed, ENV) == ({"a", "b"}, [])


def test_required_package_that_is_missing_is_a_problem() -> None:
    installed = {"flask": ("3.0.0", ["Werkzeug>=3"])}
    graph = graph_of({"requirements.txt": "flask==3.0.0\n"})
    reached, problems = resolution.closure([graph], installed, ENV)
    assert reached == {"flask", "werkzeug"}
    assert problems == ["werkzeug is required but not installed"]


def test_unnamed_requirement_makes_the_closure_unknowable() -> None:
    graph = graph_of({"requirements.txt": "flask==3.0.0\n./vendor/pkg.tar.gz\n"})
    _, problems = resolution.closure([graph], {"flask": ("3.0.0", [])}, ENV)
    assert problems == ["requirements.txt:2: an unnamed requirement"]


def test_requires_dist_pip_would_read_differently_is_a_problem() -> None:
    installed = {"old": ("1.0", ["foo (>=1.0"])}
    graph = graph_of({"requirements.txt": "old==1.0\n"})
    _, problems = resolution.closure([graph], installed, ENV)
    assert problems == ["old has a Requires-Dist pip would read differently: foo (>=1.0"]


def test_markers_are_evaluated_for_the_apps_python_not_the_buildpacks() -> None:
    env = resolution.marker_environment("3.9.18")
    assert env["python_version"] == "3.9"
    assert env["python_full_version"] == "3.9.18"
    assert env["implementation_name"] == "cpython"
    graph = graph_of({"requirements.txt": 'tomli==2.0.1 ; python_version < "3.11"\n'})
    installed: Installed = {"tomli": ("2.0.1", [])}
    assert resolution.closure([graph], installed, env) == ({"tomli"}, [])
    assert resolution.closure([graph], installed, ENV) == (set(), [])


def test_pinned_versions_collects_every_exact_pin_of_a_name(tmp_path: Path) -> None:
    (tmp_path / "pkg.tar.gz").write_bytes(b"an sdist")
    files = {
        "requirements.txt": "-c constraints.txt\nflask==3.0.0\nrequests>=2\n./pkg.tar.gz\n",
        "constraints.txt": "flask==3.0.0\nsix==1.16.0\n",
    }
    assert resolution.pinned_versions(entries_of(tmp_path, files)) == {
        "flask": {"3.0.0"},
        "six": {"1.16.0"},
    }
