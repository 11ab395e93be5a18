"""pip's part of the fingerprint: what a pip install's result depends on.

It covers pip's version, every requirements file's normalized content (so
comments and whitespace do not count), the content of local files and
directories requirements point to, what moving references resolve to now, the
app's pip config vars (hashed, never logged) and `${VAR}` values. Each field says
how its change reads in the log.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name

from ...cache.changes import described, keyed, rebuild_if_changed
from ...cache.files import file_sha256 as file_digest
from ...cache.inputs import listing_digest, path_digest, sha256_text, tree_digest
from ...cache.manifest import Manifest
from ...context import BuildContext
from ...redaction import redact
from ...requirements import RequirementEntry, RequirementsGraph, normalized_graph
from . import moving


@dataclass(frozen=True)
class Line:
    """A requirement or option line, by the file it is in."""

    hash: str  # what pip reads from the line (name, specifier, hashes, options)
    display: str  # the line as written, credentials masked
    file: str
    name: str = ""  # a requirement's canonical name
    pin: str = ""  # the version a plain `name==X` pins
    text: str = ""  # the line after ${VAR} interpolation, hashed
    pinned: bool = False


_LEADING_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _spec(display: str, name: str) -> str:
    """`typing_extensions==4.1` -> `==4.1` (the name as written may differ from
    its normalized form)."""
    match = _LEADING_NAME.match(display)
    if match and canonicalize_name(match[1]) == name:
        return display[match.end() :].strip() or display
    return display


def _line_changes(old: Mapping[str, Line], new: Mapping[str, Line]) -> list[str]:
    messages = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k.split(" ")[1:2], k)):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before.hash == after.hash:
            continue
        if after is None:
            assert before is not None
            messages.append(f"{before.file}: {before.display} was removed")
        elif before is None:
            messages.append(f"{after.file}: {after.display} was added")
        elif before.display == after.display:
            why = (
                "a config var it uses has a new value"
                if before.text != after.text
                else "its --hash values or options changed"
            )
            messages.append(f"{after.file}: {after.display} changed ({why})")
        elif after.name:
            name = after.name
            messages.append(
                f"{after.file}: {name} changed from "
                f"{_spec(before.display, name)} to {_spec(after.display, name)}"
            )
        else:
            messages.append(f"{after.file}: {before.display} changed to {after.display}")
    return messages


def _files_installed(old: Sequence[str], new: Sequence[str]) -> list[str]:
    return [f"The requirements files installed changed to {', '.join(new)}"]


def _included(old: Sequence[str], new: Sequence[str]) -> list[str]:
    return [
        f"{path} is {'now' if path in new else 'no longer'} included"
        for path in sorted(set(old) ^ set(new))
    ]


def _moved(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    # A reference added or removed is already a line added or removed.
    return [
        f"{display} now points to {new[display][:12]} (was {old[display][:12]})"
        for display in sorted(old.keys() & new.keys())
        if old[display] != new[display]
    ]


def _graph(old: str, new: str) -> list[str]:
    return ["The requirements files changed"]  # only the order of lines changed


@dataclass(frozen=True)
class PipInputs:
    pip: str = rebuild_if_changed("The pip version changed from {old} to {new}")
    requirement_files: tuple[str, ...] = described(_files_installed)
    entries: Mapping[str, Line] = described(_line_changes)
    options: Mapping[str, Line] = described(_line_changes)
    files: tuple[str, ...] = described(_included)
    local: Mapping[str, str] = described(keyed("{key}: the local file or directory {what}"))
    moving: Mapping[str, str] = described(_moved)
    pip_config: Mapping[str, str] = described(keyed("{key} {what}"))
    vars: Mapping[str, str] = described(
        keyed("The config var {key}, used in requirements files, {what}")
    )
    graph: str = described(_graph, fallback=True)


# Fields that only requirement and constraint lines change.
LINE_FIELDS = {"entries", "files", "graph"}


@dataclass(frozen=True)
class PipFacts:
    """What the requirements say beyond the fingerprint, for this build only."""

    inputs: PipInputs
    # file:// URL (as pip reports it) -> content digest, for local requirements.
    local_hashes: Mapping[str, str]
    unpinned: tuple[str, ...]
    pinned_names: frozenset[str]

    def needs_resolution(self, manifest: Manifest) -> bool:
        """Whether pip must be asked what a clean install picks before reuse: yes
        when a requirement is unpinned, or an installed package is pinned nowhere."""
        if self.unpinned:
            return True
        return any(
            d.name not in self.pinned_names and d.name != "pip" for d in manifest.distributions
        )

    def pinned_update_possible(self, old: PipInputs, manifest: Manifest) -> bool:
        """Whether the lines alone can say what changes: nothing unpinned now, and
        every installed package pinned now or pinned before (then removed)."""
        before = {e.name for e in old.entries.values() if e.pinned}
        known = self.pinned_names | before | {"pip"}
        return not self.unpinned and all(d.name in known for d in manifest.distributions)

    def unpinned_transitive(self, installed: Iterable[str]) -> list[str]:
        return sorted(n for n in installed if n not in self.pinned_names and n != "pip")


def _entry_key(entry: RequirementEntry) -> str:
    ident = entry.name or redact(entry.display)
    return f"{entry.kind} {entry.provenance.file} {ident} {entry.marker or ''}".rstrip()


def _exact_version(entry: RequirementEntry) -> str:
    """The version a plain `name==X` line pins, or "" for anything else."""
    if entry.url is None and entry.local_path is None and entry.specifier.startswith("=="):
        version = entry.specifier[2:]
        if version and not any(c in version for c in ",*=<>!~"):
            return version
    return ""


def _entry_hash(entry: RequirementEntry) -> str:
    return sha256_text(json.dumps([entry.normalized, entry.hashes, entry.options, entry.editable]))


def _local_source_digest(build_dir: Path, value: str) -> str:
    """A find-links or index location on disk: inside the app (relative, as pip
    reads it from BUILD_DIR) by content; outside it by its listing."""
    if "://" in value and not value.startswith("file://"):
        return ""
    path = Path(urllib.parse.unquote(value.removeprefix("file://")))
    path = path if path.is_absolute() else build_dir / path
    if not path.is_dir():
        return ""
    inside = path.resolve().is_relative_to(build_dir.resolve())
    return tree_digest(path) if inside else listing_digest(path)


def _pip_config(ctx: BuildContext) -> dict[str, str]:
    found = {
        name: sha256_text(value)
        for name, value in ctx.config_vars.items()
        if name.startswith("PIP_")
    }
    # Local wheelhouses and indexes named by config vars: what they hold counts.
    for name in ("PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        digests = [
            _local_source_digest(ctx.build_dir, v) for v in ctx.config_vars.get(name, "").split()
        ]
        if any(digests):
            found[f"{name} contents"] = sha256_text(" ".join(digests))
    config_file = ctx.config_vars.get("PIP_CONFIG_FILE")
    if config_file:
        path = ctx.build_dir / config_file
        found["PIP_CONFIG_FILE contents"] = file_digest(path) if path.is_file() else "missing"
    return found


def compute(
    ctx: BuildContext, graphs: Sequence[RequirementsGraph], files: Sequence[str], *, pip: str
) -> PipFacts:
    entries: dict[str, Line] = {}
    options: dict[str, Line] = {}
    local: dict[str, str] = {}
    local_hashes: dict[str, str] = {}
    moving_values: dict[str, str] = {}
    visited: list[str] = []
    unpinned: list[str] = []
    pinned: set[str] = set()
    for graph in graphs:
        visited += [f.path for f in graph.files if f.path not in visited]
        for entry in graph.requirements:
            key = _entry_key(entry)
            while key in entries:
                key += "+"
            entries[key] = Line(
                hash=_entry_hash(entry),
                display=redact(entry.display),
                file=entry.provenance.file,
                name=entry.name or "",
                pin=_exact_version(entry),
                text=sha256_text(entry.normalized),
                pinned=entry.is_pinned,
            )
            if entry.name and entry.is_pinned:
                pinned.add(entry.name)
            elif entry.kind == "requirement" and entry.moving_target is None:
                unpinned.append(f"{entry.provenance}: {redact(entry.display)}")
            target = entry.moving_target
            if entry.local_path is not None:
                # Relative to BUILD_DIR, or absolute outside the app: by content either way.
                path = ctx.build_dir / entry.local_path.path
                digest = path_digest(path)
                local[ctx.as_written(entry.local_path.path)] = digest
                local_hashes[path.as_uri()] = digest
                local_hashes[(ctx.app_dir / entry.local_path.path).as_uri()] = digest
            elif target is not None and entry.url is not None:
                moving_values[redact(entry.display)] = moving.resolve(
                    ctx, entry.url, target, f"{entry.provenance}: {entry.display}"
                )
        for index, option in enumerate(graph.options):
            options[f"{option.provenance.file} {option.name} {index}"] = Line(
                hash=sha256_text(json.dumps([option.name, option.value])),
                display=redact(option.display),
                file=option.provenance.file,
            )
            if option.local_path is not None:
                digest = _local_source_digest(ctx.build_dir, option.local_path)
                local[ctx.as_written(option.local_path)] = digest or "missing"

    referenced = sorted({name for g in graphs for name in g.referenced_vars})
    inputs = PipInputs(
        pip=pip,
        requirement_files=tuple(files),
        entries=entries,
        options=options,
        files=tuple(visited),
        local=local,
        moving=moving_values,
        pip_config=_pip_config(ctx),
        vars={name: sha256_text(ctx.config_vars.get(name, "")) for name in referenced},
        graph=sha256_text(json.dumps([normalized_graph(g) for g in graphs], sort_keys=True)),
    )
    return PipFacts(inputs, local_hashes, tuple(unpinned), frozenset(pinned))


def describe_reuse(inputs: PipInputs, packages: int) -> str:
    files = len(inputs.files)
    noun = "file" if files == 1 else "files"
    return f"Restoring cache (nothing changed in {files} requirement {noun}, {packages} packages)"
