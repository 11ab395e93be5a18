"""What a clean install of a fully pinned app contains, worked out without pip.

When every requirement is pinned (`==`) and every installed package is pinned in
some file, a clean install is determined by the requirement lines and the
packages' own metadata. Then a change to a few lines needs no dry run of the whole
graph: uninstall what the changed lines no longer ask for, let `pip install -r`
add the rest, and check the result against the closure of the requirement lines
over the installed packages' `Requires-Dist`. Anything that does not add up sends
the build to the general path (pip's dry run), never to a guess.
"""

from __future__ import annotations

import email.parser
import platform
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker, default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ...requirements import RequirementsGraph
from .inputs import Line


@dataclass(frozen=True)
class PinnedPlan:
    uninstall: tuple[str, ...]
    install: bool


def plan_pinned_update(
    old_entries: Mapping[str, Line], new_entries: Mapping[str, Line], installed: Mapping[str, str]
) -> PinnedPlan:
    """Which installed packages the changed lines make stale, and whether pip must
    install anything. A package whose only change is its pinned version is left to
    pip, which replaces it; any other change to its lines removes it first."""

    def by_name(entries: Mapping[str, Line]) -> dict[str, set[tuple[str, str]]]:
        found: dict[str, set[tuple[str, str]]] = {}
        for key, entry in entries.items():
            if entry.name:
                found.setdefault(entry.name, set()).add((key, entry.hash))
        return found

    old, new = by_name(old_entries), by_name(new_entries)
    uninstall: list[str] = []
    install = False
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) == new.get(name):
            continue
        if name not in new:
            if name in installed:
                uninstall.append(name)
            continue
        install = True
        pins = {e.pin for e in new_entries.values() if e.name == name}
        version_bump_only = "" not in pins and installed.get(name) not in pins
        if name in installed and not version_bump_only:
            uninstall.append(name)
    return PinnedPlan(tuple(uninstall), install)


def marker_environment(python_version: str) -> dict[str, str]:
    """PEP 508 marker values for the app's Python on this machine (the buildpack's
    own interpreter may be another version)."""
    env = {key: str(value) for key, value in default_environment().items()}
    major_minor = ".".join(python_version.split(".")[:2])
    env.update(
        python_version=major_minor,
        python_full_version=python_version,
        implementation_name="cpython",
        implementation_version=python_version,
        platform_python_implementation="CPython",
        platform_machine=platform.machine(),
    )
    return env


def installed_requirements(site_packages: Path) -> dict[str, tuple[str, list[str]]]:
    """canonical name -> (version, its Requires-Dist lines)."""
    found: dict[str, tuple[str, list[str]]] = {}
    parser = email.parser.HeaderParser()
    for info in sorted(site_packages.glob("*.dist-info")):
        try:
            headers = parser.parsestr((info / "METADATA").read_text(encoding="utf-8"))
        except OSError:
            continue
        if headers["Name"]:
            name = canonicalize_name(headers["Name"])
            found[name] = (str(headers["Version"]), list(headers.get_all("Requires-Dist") or []))
    return found


def _applies(requirement: Requirement, env: Mapping[str, str], extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**env, "extra": e}) for e in (*extras, ""))


def closure(
    graphs: Sequence[RequirementsGraph],
    installed: Mapping[str, tuple[str, list[str]]],
    env: Mapping[str, str],
) -> tuple[set[str], list[str]]:
    """The packages the requirement lines reach through installed metadata, and
    any problem that makes the answer unknowable (then: ask pip)."""
    problems: list[str] = []
    pending: list[tuple[str, frozenset[str]]] = []
    for graph in graphs:
        for entry in graph.requirements:
            if entry.kind != "requirement":
                continue
            if entry.name is None:
                problems.append(f"{entry.provenance}: an unnamed requirement")
                continue
            if entry.marker and not Marker(entry.marker).evaluate({**env, "extra": ""}):
                continue
            pending.append((entry.name, frozenset(entry.extras)))
    seen: set[tuple[str, frozenset[str]]] = set()
    reached: set[str] = set()
    while pending:
        item = pending.pop()
        if item in seen:
            continue
        seen.add(item)
        name, extras = item
        reached.add(name)
        if name not in installed:
            problems.append(f"{name} is required but not installed")
            continue
        for line in installed[name][1]:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                problems.append(f"{name} has a Requires-Dist pip would read differently: {line}")
                continue
            if _applies(requirement, env, extras):
                pending.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return reached, problems


def pinned_versions(entries: Mapping[str, Line]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in entries.values():
        if entry.name and entry.pin:
            found.setdefault(entry.name, set()).add(entry.pin)
    return found
