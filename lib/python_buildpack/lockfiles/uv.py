"""uv.lock: what `uv sync --locked` installs for one Python, platform and group choice.

uv.lock is one universal resolution (https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile):
every package for every platform, with the dependency edges carrying the markers. So
the set a sync installs is found by walking the graph from the project, evaluating
each edge's marker for the target, following extras (`extra = [...]` on an edge) and
the project's dependency groups (`[package.dev-dependencies]`) that were asked for.

Whether uv.lock matches pyproject.toml is uv's own decision (`uv lock --check`, or
the failure of `uv sync --locked`), so nothing here guesses it; `out_of_sync_message`
recognises uv's words for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import LockfileInvalid
from ..managers import registry
from .model import (
    LockedPackage,
    LockedSet,
    Target,
    array_of_tables,
    canonical,
    load_toml,
    marker_applies,
    table,
)

# The file names its errors give (managers/registry.py).
LOCKFILE = registry.UV.file
PROJECT_FILE = registry.UV.project_file
# What uv prints when --locked/--check finds uv.lock stale (uv 0.5 to 0.13).
_OUT_OF_SYNC = (
    "needs to be updated, but `--locked` was provided",
    "needs to be updated, but `--check`",
)

Groups = Collection[str] | Literal["all"]


@dataclass(frozen=True)
class _Node:
    name: str
    version: str | None
    source: dict[str, Any]
    data: dict[str, Any]


def _source_text(source: dict[str, Any]) -> tuple[str, bool]:
    """The source as one string, and whether uv installs it editable."""
    for kind in ("registry", "git", "url", "path", "directory", "editable", "virtual"):
        if kind in source:
            value = str(source[kind])
            if kind == "git":
                return f"git+{value}", False
            if kind == "registry":
                return value, False
            return f"{kind}:{value}", kind == "editable"
    return "unknown", False


def _nodes(lock: dict[str, Any]) -> dict[str, list[_Node]]:
    nodes: dict[str, list[_Node]] = {}
    for entry in array_of_tables(lock, "package", LOCKFILE):
        name = entry.get("name")
        if not isinstance(name, str):
            raise LockfileInvalid(LOCKFILE, "a [[package]] has no name")
        version = entry.get("version")
        source = entry.get("source", {})
        if not isinstance(source, dict):
            raise LockfileInvalid(LOCKFILE, f"package {name} has an invalid source")
        node = _Node(canonical(name), str(version) if version is not None else None, source, entry)
        nodes.setdefault(node.name, []).append(node)
    return nodes


def _is_project_root(node: _Node) -> bool:
    return any(node.source.get(kind) == "." for kind in ("virtual", "editable", "directory"))


def _roots(nodes: dict[str, list[_Node]], lock: dict[str, Any]) -> list[_Node]:
    roots = [n for group in nodes.values() for n in group if _is_project_root(n)]
    if roots:
        return roots
    # A workspace whose root has no [project]: `uv sync` there installs every member.
    members = table(lock, "manifest", LOCKFILE).get("members", [])
    return [n for m in members for n in nodes.get(canonical(str(m)), [])]


def _pick(nodes: dict[str, list[_Node]], dep: dict[str, Any], target: Target, parent: str) -> _Node:
    name = canonical(str(dep.get("name", "")))
    candidates = nodes.get(name, [])
    if "version" in dep:
        candidates = [n for n in candidates if n.version == str(dep["version"])]
    if "source" in dep and len(candidates) > 1:
        candidates = [n for n in candidates if n.source == dep["source"]]
    if len(candidates) > 1:
        # Forked resolution: each version says for which markers it was resolved.
        candidates = [
            n
            for n in candidates
            if any(
                marker_applies(str(m), target, LOCKFILE)
                for m in n.data.get("resolution-markers", [""])
            )
        ]
    if len(candidates) != 1:
        raise LockfileInvalid(
            LOCKFILE, f"{parent} depends on {name}, which is not locked exactly once"
        )
    return candidates[0]


def _edges(node: _Node, extras: frozenset[str], groups: Groups) -> list[dict[str, Any]]:
    edges = list(node.data.get("dependencies", []))
    optional = node.data.get("optional-dependencies", {})
    for extra in sorted(extras):
        edges.extend(optional.get(extra, []))
    dev = node.data.get("dev-dependencies", {})
    wanted = set() if groups == "all" else {canonical(g) for g in groups}
    chosen = [g for g in dev if groups == "all" or canonical(g) in wanted]
    for group in chosen:
        edges.extend(dev[group])
    return [e for e in edges if isinstance(e, dict)]


def parse_uv_lock(text: str, target: Target, groups: Groups = ()) -> LockedSet:
    """The packages `uv sync --locked` installs: `groups=()` is `--no-default-groups`
    (bin/compile); bin/test-compile passes `default_groups(pyproject)`."""
    lock = load_toml(text, LOCKFILE)
    if not isinstance(lock.get("version"), int):
        raise LockfileInvalid(LOCKFILE, "it has no lockfile 'version'")
    nodes = _nodes(lock)
    roots = _roots(nodes, lock)
    if not roots:
        raise LockfileInvalid(LOCKFILE, "it locks no project (no package with source '.')")
    installed: set[LockedPackage] = set()
    seen: set[tuple[int, frozenset[str]]] = set()
    queue: deque[tuple[_Node, frozenset[str], Groups]] = deque(
        (root, frozenset(), groups) for root in roots
    )
    while queue:
        node, extras, node_groups = queue.popleft()
        key = (id(node), extras)
        if key in seen:
            continue
        seen.add(key)
        source, editable = _source_text(node.source)
        if "virtual" not in node.source:
            installed.add(LockedPackage(node.name, node.version, source, editable))
        for edge in _edges(node, extras, node_groups):
            if not marker_applies(edge.get("marker"), target, LOCKFILE):
                continue
            child = _pick(nodes, edge, target, node.name)
            child_extras = frozenset(canonical(str(e)) for e in edge.get("extra", []))
            # Groups belong to the project: a dependency's own groups are never installed.
            queue.append((child, child_extras, ()))
    requires = lock.get("requires-python")
    return LockedSet(frozenset(installed), str(requires) if requires else None)


def default_groups(pyproject_text: str) -> Groups:
    """`[tool.uv] default-groups` (default: dev), what plain `uv sync` installs."""
    pyproject = load_toml(pyproject_text, PROJECT_FILE)
    uv = table(table(pyproject, "tool", PROJECT_FILE), "uv", PROJECT_FILE)
    value = uv.get("default-groups", ["dev"])
    if value == "all":
        return "all"
    if not isinstance(value, list):
        raise LockfileInvalid(PROJECT_FILE, "[tool.uv] default-groups is not a list or 'all'")
    return [str(g) for g in value]


def project_requires_python(pyproject_text: str) -> str | None:
    """`[project] requires-python`, the range uv resolves for."""
    project = table(load_toml(pyproject_text, PROJECT_FILE), "project", PROJECT_FILE)
    value = project.get("requires-python")
    return str(value) if value is not None else None


def out_of_sync_message(output: str) -> bool:
    """True when uv's output says uv.lock does not match pyproject.toml."""
    return any(words in output for words in _OUT_OF_SYNC)
