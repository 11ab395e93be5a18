"""The values of the requirements graph: frozen dataclasses that cross module
boundaries (the fingerprint, the resolution check and the install read them)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from .urls import has_hash_fragment, is_full_commit, is_vcs_url, vcs_revision

EntryKind = Literal["requirement", "constraint"]
PathKind = Literal["dir", "file"]
MovingTarget = Literal["vcs_ref", "archive_url", "local_dir", "local_file"]

ReadFile = Callable[[str], str]
"""Text of a file, by POSIX path relative to the app dir; FileNotFoundError if none."""
PathKindOf = Callable[[str], "PathKind | None"]
"""Whether a path relative to the app dir is a directory, a file, or missing."""


@dataclass(frozen=True)
class Provenance:
    file: str
    """POSIX path relative to the app dir."""
    line: int
    """1-based number of the first physical line of the logical line."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class LocalPath:
    path: str
    """Normalized POSIX path relative to the app dir (`.` for the app itself), or
    absolute for a package outside the app (see `outside`)."""
    kind: PathKind

    @property
    def outside(self) -> bool:
        return posixpath.isabs(self.path)


@dataclass(frozen=True)
class RequirementEntry:
    kind: EntryKind
    name: str | None
    """Canonical project name; None for an unnamed URL or path."""
    normalized: str
    """Name, sorted extras, specifier, URL or path and marker, normalized (expanded)."""
    specifier: str
    extras: tuple[str, ...]
    marker: str | None
    url: str | None
    """The URL pip fetches (expanded; may hold credentials: never log it)."""
    local_path: LocalPath | None
    editable: bool
    hashes: tuple[str, ...]
    """`algorithm:digest` from `--hash` options, sorted."""
    options: tuple[tuple[str, str], ...]
    """Per-requirement options such as ("--config-settings", "key=value")."""
    provenance: Provenance
    display: str
    """The requirement as written, before `${VAR}` expansion, for logs."""

    @property
    def is_pinned(self) -> bool:
        """Whether the line alone names one exact artifact.

        `==X` (no wildcard) or `===X` for an index requirement; for a URL, a hash
        (`#sha256=` or `--hash`) or a VCS ref that is a full commit. Local paths are
        never pinned: their content is what matters (see `moving_target`).
        """
        if self.local_path is not None:
            return False
        if self.url is not None:
            if is_vcs_url(self.url):
                return is_full_commit(vcs_revision(self.url))
            return bool(self.hashes) or has_hash_fragment(self.url)
        specifiers = list(SpecifierSet(self.specifier))
        if len(specifiers) != 1:
            return False
        spec = specifiers[0]
        return spec.operator == "===" or (spec.operator == "==" and not spec.version.endswith(".*"))

    @property
    def moving_target(self) -> MovingTarget | None:
        """What can change behind an unchanged line, if anything."""
        if self.local_path is not None:
            return "local_dir" if self.local_path.kind == "dir" else "local_file"
        if self.url is None:
            return None
        if is_vcs_url(self.url):
            return None if is_full_commit(vcs_revision(self.url)) else "vcs_ref"
        if urlsplit(self.url).scheme.lower() in ("http", "https", "ftp"):
            if not self.hashes and not has_hash_fragment(self.url):
                return "archive_url"
        return None


@dataclass(frozen=True)
class OptionEntry:
    name: str
    """The option's long name, e.g. `--index-url`."""
    value: str | None
    """Expanded value (may hold credentials: never log it); None for a flag."""
    local_path: str | None
    """For `--find-links`: the directory pip reads, relative to the app dir."""
    provenance: Provenance
    display: str


@dataclass(frozen=True)
class Include:
    kind: EntryKind
    """`requirement` for `-r`, `constraint` for `-c`."""
    path: str
    """The included file, relative to the app dir."""
    provenance: Provenance
    display: str


@dataclass(frozen=True)
class VisitedFile:
    path: str
    included_from: Provenance | None
    digest: str
    """sha256 of the file's normalized lines: blind to comments and formatting."""


@dataclass(frozen=True)
class RequirementsGraph:
    root: str
    files: tuple[VisitedFile, ...]
    """Every file read, in the order pip reads them (each once)."""
    includes: tuple[Include, ...]
    requirements: tuple[RequirementEntry, ...]
    """In pip's order; a file reached twice the same way contributes once."""
    options: tuple[OptionEntry, ...]
    referenced_vars: tuple[str, ...]
    """Names of `${VAR}` references, set or not, sorted."""


Line = RequirementEntry | OptionEntry | Include
"""One logical line of a requirements file, once parsed."""


@dataclass(frozen=True)
class Target:
    """What a requirement line points at, before its options."""

    req: Requirement | None
    extras: set[str]
    marker: Marker | None
    url: str | None
    local: LocalPath | None

    def entry(
        self,
        *,
        editable: bool,
        hashes: tuple[str, ...],
        options: tuple[tuple[str, str], ...],
        provenance: Provenance,
        display: str,
    ) -> RequirementEntry:
        name = canonicalize_name(self.req.name) if self.req else None
        extras = tuple(sorted({canonicalize_name(e) for e in self.extras}))
        specifier = str(self.req.specifier) if self.req else ""
        marker = str(self.marker) if self.marker is not None else None
        where = self.url or (_as_relative(self.local.path) if self.local else "")
        text = f"{name}[{','.join(extras)}]" if name and extras else (name or "")
        text += specifier
        if where:
            text = (
                f"{text} @ {where}" if name else where + (f"[{','.join(extras)}]" if extras else "")
            )
        if marker:
            text += f" ; {marker}"
        return RequirementEntry(
            kind="requirement",
            name=name,
            normalized=text,
            specifier=specifier,
            extras=extras,
            marker=marker,
            url=self.url,
            local_path=self.local,
            editable=editable,
            hashes=hashes,
            options=options,
            provenance=provenance,
            display=display,
        )


def _as_relative(path: str) -> str:
    if path == "." or posixpath.isabs(path):
        return path
    return f"./{path}"
