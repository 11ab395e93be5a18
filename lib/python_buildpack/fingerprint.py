"""What a build's result depends on, and how two of them differ, in words.

The fingerprint is a JSON value kept in the cache manifest. It covers the stack,
the app dir, Python and its source, pip, every requirements file's normalized
content (so comments and whitespace do not count), the content of local files
and directories requirements point to, what moving references resolve to now,
the app's pip config vars (hashed, never logged) and `${VAR}` values.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import moving
from .cache import Distribution, Manifest
from .context import BuildContext
from .diffs import keyed_differences
from .requirements import RequirementEntry, RequirementsGraph, normalized_graph
from .text import redact
from .vendoring import sha256_of as file_digest

# Directories that are never part of what a local requirement means.
_SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    ".heroku",
    ".profile.d",
    "node_modules",
    ".venv",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree_digest(root: Path) -> str:
    """Content of a directory: names, modes, bytes (mtimes do not count: every
    build gets a fresh checkout)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        links = sorted(d for d in dirnames if os.path.islink(os.path.join(dirpath, d)))
        for name in links:  # os.walk does not follow them: record where they lead
            rel = (Path(dirpath) / name).relative_to(root).as_posix()
            digest.update(f"L {rel} {os.readlink(os.path.join(dirpath, name))}\n".encode())
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and d not in links)
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                digest.update(f"L {rel} {os.readlink(path)}\n".encode())
            elif path.is_file():
                executable = os.access(path, os.X_OK)
                digest.update(f"F {rel} {executable} {file_digest(path)}\n".encode())
    return digest.hexdigest()


def listing_digest(root: Path) -> str:
    """A directory outside the app (a wheelhouse the operator keeps): which files,
    how big, when written. Cheap, and a replaced file changes its mtime."""
    entries = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        st = path.stat()
        entries.append(f"{path.name} {st.st_size} {st.st_mtime_ns}")
    return sha256_text("\n".join(entries))


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


@dataclass(frozen=True)
class Change:
    message: str
    # False: the environment cannot be updated in place (new Python, stack, pip).
    incremental: bool = True


@dataclass(frozen=True)
class Inputs:
    values: dict[str, Any]
    # file:// URL (as pip reports it) -> content digest, for local requirements.
    local_hashes: dict[str, str]
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

    def pinned_update_possible(self, manifest: Manifest) -> bool:
        """Whether the lines alone can say what changes: nothing unpinned now, and
        every installed package pinned now or pinned before (then removed)."""
        before = {e["name"] for e in manifest.fingerprint["entries"].values() if e.get("pinned")}
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


def compute(
    ctx: BuildContext,
    graphs: Sequence[RequirementsGraph],
    files: Sequence[str],
    *,
    python: str,
    runtime_url: str,
    pip: str,
) -> Inputs:
    entries: dict[str, dict[str, str]] = {}
    options: dict[str, dict[str, str]] = {}
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
            entries[key] = {
                "pin": _exact_version(entry),
                "text": sha256_text(entry.normalized),
                "pinned": "yes" if entry.is_pinned else "",
                "hash": _entry_hash(entry),
                "display": redact(entry.display),
                "file": entry.provenance.file,
                "name": entry.name or "",
            }
            if entry.name and entry.is_pinned:
                pinned.add(entry.name)
            elif entry.kind == "requirement" and entry.moving_target is None:
                unpinned.append(f"{entry.provenance}: {redact(entry.display)}")
            target = entry.moving_target
            if entry.local_path is not None:
                path = ctx.build_dir / entry.local_path.path
                digest = tree_digest(path) if path.is_dir() else file_digest(path)
                local[entry.local_path.path] = digest
                local_hashes[path.as_uri()] = digest
                local_hashes[(ctx.app_dir / entry.local_path.path).as_uri()] = digest
            elif target is not None and entry.url is not None:
                moving_values[redact(entry.display)] = moving.resolve(ctx, entry.url, target)
        for index, option in enumerate(graph.options):
            options[f"{option.provenance.file} {option.name} {index}"] = {
                "hash": sha256_text(json.dumps([option.name, option.value])),
                "display": redact(option.display),
                "file": option.provenance.file,
            }
            if option.local_path is not None:
                path = ctx.build_dir / option.local_path
                local[option.local_path] = tree_digest(path) if path.is_dir() else "missing"

    pip_config = {
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
            pip_config[f"{name} contents"] = sha256_text(" ".join(digests))
    config_file = ctx.config_vars.get("PIP_CONFIG_FILE")
    if config_file:
        path = ctx.build_dir / config_file
        pip_config["PIP_CONFIG_FILE contents"] = file_digest(path) if path.is_file() else "missing"
    referenced = sorted({name for g in graphs for name in g.referenced_vars})
    values = {
        "stack": ctx.stack.name,
        "arch": ctx.arch,
        "app_dir": str(ctx.app_dir),
        "python": python,
        "runtime": sha256_text(runtime_url),
        "pip": pip,
        "requirement_files": list(files),
        "graph": sha256_text(json.dumps([normalized_graph(g) for g in graphs], sort_keys=True)),
        "files": visited,
        "entries": entries,
        "options": options,
        "local": local,
        "moving": moving_values,
        "pip_config": pip_config,
        "vars": {name: sha256_text(ctx.config_vars.get(name, "")) for name in referenced},
    }
    return Inputs(values, local_hashes, tuple(unpinned), frozenset(pinned))


# --- differences, in words ------------------------------------------------------

_REBUILD_FIELDS = {
    "stack": "The stack changed from {old} to {new}",
    "arch": "The CPU architecture changed from {old} to {new}",
    "app_dir": "The app directory (BUILDPACK_APP_DIR) changed from {old} to {new}",
    "python": "The Python version changed from {old} to {new}",
    "runtime": "The Python runtime download URL (PYTHON_RUNTIME_BASE_URL) changed",
    "pip": "The pip version changed from {old} to {new}",
}


_LEADING_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _spec(display: str, name: str) -> str:
    """`typing_extensions==4.1` -> `==4.1` (the name as written may differ from
    its normalized form)."""
    match = _LEADING_NAME.match(display)
    if match and re.sub(r"[-_.]+", "-", match[1]).lower() == name:
        return display[match.end() :].strip() or display
    return display


def _entry_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    messages = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k.split(" ")[1:2], k)):
        before, after = old.get(key), new.get(key)
        if before is not None and after is not None and before["hash"] == after["hash"]:
            continue
        if after is None:
            assert before is not None
            messages.append(f"{before['file']}: {before['display']} was removed")
        elif before is None:
            messages.append(f"{after['file']}: {after['display']} was added")
        elif before["display"] == after["display"]:
            why = (
                "a config var it uses has a new value"
                if before.get("text") != after.get("text")
                else "its --hash values or options changed"
            )
            messages.append(f"{after['file']}: {after['display']} changed ({why})")
        elif after.get("name"):
            name = after["name"]
            messages.append(
                f"{after['file']}: {name} changed from "
                f"{_spec(before['display'], name)} to {_spec(after['display'], name)}"
            )
        else:
            messages.append(f"{after['file']}: {before['display']} changed to {after['display']}")
    return messages


_WHAT = {"removed": "was removed", "added": "was added", "changed": "changed"}


def _keyed_changes(old: Mapping[str, str], new: Mapping[str, str], template: str) -> list[str]:
    return [template.format(key=k, what=_WHAT[d]) for k, d in keyed_differences(old, new)]


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every reason the cached environment may differ from a clean build now."""
    if set(old) != set(new):
        return [Change("The cache was written by another version of the buildpack", False)]
    changes = [
        Change(template.format(old=old[field], new=new[field]), incremental=False)
        for field, template in _REBUILD_FIELDS.items()
        if old[field] != new[field]
    ]
    messages: list[str] = []
    if old["requirement_files"] != new["requirement_files"]:
        messages.append(
            f"The requirements files installed changed to {', '.join(new['requirement_files'])}"
        )
    messages += _entry_changes(old["entries"], new["entries"])
    messages += _entry_changes(old["options"], new["options"])
    for path in sorted(set(old["files"]) ^ set(new["files"])):
        messages.append(f"{path} is {'now' if path in new['files'] else 'no longer'} included")
    messages += _keyed_changes(
        old["local"], new["local"], "{key}: the local file or directory {what}"
    )
    for display in sorted(old["moving"].keys() & new["moving"].keys()):
        if old["moving"][display] != new["moving"][display]:
            messages.append(
                f"{display} now points to {new['moving'][display][:12]} "
                f"(was {old['moving'][display][:12]})"
            )
    messages += _keyed_changes(old["pip_config"], new["pip_config"], "{key} {what}")
    messages += _keyed_changes(
        old["vars"], new["vars"], "The config var {key}, used in requirements files, {what}"
    )
    if not messages and old["graph"] != new["graph"]:
        messages.append("The requirements files changed")
    changes += [Change(m) for m in messages]
    return changes


def only_requirement_lines_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether everything but the requirement and constraint lines is as it was:
    same options, pip config, local inputs, moving references and variables."""
    lines = {"entries", "files", "graph"}
    return set(old) == set(new) and all(old[k] == new[k] for k in new if k not in lines)


def distribution_changes(
    cached: Iterable[Distribution], clean: Mapping[str, Distribution]
) -> list[str]:
    """How a clean install now differs from the cached one, from pip's dry run."""
    # pip is the buildpack's own unless the app pins it; either way not drift.
    old = {d.name: d for d in cached if d.name != "pip"}
    clean = {name: d for name, d in clean.items() if name != "pip"}
    messages = []
    for name in sorted(old.keys() | clean.keys()):
        before, after = old.get(name), clean.get(name)
        if after is None and before is not None:
            messages.append(f"pip would no longer install {name} {before.version}")
        elif before is None and after is not None:
            messages.append(f"pip would now also install {name} {after.version}")
        elif before is not None and after is not None and before != after:
            if before.version != after.version:
                messages.append(
                    f"pip would now install {name} {after.version} instead of {before.version}"
                )
            else:
                messages.append(f"pip would now install {name} {after.version} from another source")
    return messages


def describe_reuse(inputs: Inputs, packages: int) -> str:
    files = len(inputs.values["files"])
    noun = "file" if files == 1 else "files"
    return f"Restoring cache (nothing changed in {files} requirement {noun}, {packages} packages)"
