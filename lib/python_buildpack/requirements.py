"""The requirements graph: requirements.txt and every file it reaches.

`parse_requirements_graph` follows `-r`/`--requirement` and `-c`/`--constraint`
itself (pip-requirements-parser is only asked about the syntax of one line at a
time, never to open a file), so that include cycles, missing files, includes by
URL and paths leaving the app are reported with the file and line that caused
them. Every entry keeps the line as written (`display`, safe to log) apart from
the text after `${VAR}` expansion (what pip sees and what the cache fingerprints).

The behaviour follows pip's `req_file.py` and `req/constructors.py`; where
pip-requirements-parser differs from pip, pip wins and the comment says so.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import optparse
import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NoReturn
from urllib.parse import urlsplit

import pip_requirements_parser as prp
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from .errors import (
    InvalidRequirementsLine,
    RequirementsFileNotText,
    RequirementsFileUnreadable,
    RequirementsIncludeCycle,
    RequirementsIncludeMissing,
    RequirementsLocalPathMissing,
    RequirementsPathOutsideApp,
    RequirementsRemoteInclude,
)
from .text import redact

EntryKind = Literal["requirement", "constraint"]
PathKind = Literal["dir", "file"]
MovingTarget = Literal["vcs_ref", "archive_url", "local_dir", "local_file"]

ReadFile = Callable[[str], str]
"""Text of a file, by POSIX path relative to the app dir; FileNotFoundError if none."""
PathKindOf = Callable[[str], "PathKind | None"]
"""Whether a path relative to the app dir is a directory, a file, or missing."""


# --- values -------------------------------------------------------------------


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
    """Normalized POSIX path relative to the app dir (`.` for the app itself)."""
    kind: PathKind


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
            if _is_vcs_url(self.url):
                return _is_commit(_vcs_ref(self.url))
            return bool(self.hashes) or _has_hash_fragment(self.url)
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
        if _is_vcs_url(self.url):
            return None if _is_commit(_vcs_ref(self.url)) else "vcs_ref"
        if urlsplit(self.url).scheme.lower() in ("http", "https", "ftp"):
            if not self.hashes and not _has_hash_fragment(self.url):
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


# --- reading ------------------------------------------------------------------


def load_requirements_graph(
    app_dir: Path,
    root: str = "requirements.txt",
    config_vars: Mapping[str, str] = MappingProxyType({}),
) -> RequirementsGraph:
    """Read `root` and the files it includes from `app_dir`."""
    base = app_dir.resolve()

    def read_file(path: str) -> str:
        target = app_dir / path
        if not target.resolve().is_relative_to(base):
            raise _OutsideAppDir(path)
        data = target.read_bytes()
        try:
            return decode_requirements_file(data)
        except (UnicodeDecodeError, LookupError) as error:
            raise RequirementsFileNotText(path, str(error)) from None

    def path_kind(path: str) -> PathKind | None:
        target = app_dir / path
        if target.is_dir():
            return "dir"
        if target.is_file():
            return "file"
        return None

    return parse_requirements_graph(root, read_file, config_vars=config_vars, path_kind=path_kind)


# pip decodes requirement files with `auto_decode`: a BOM wins, then a PEP 263
# `coding:` comment in the first two lines, then the locale's encoding (UTF-8 on
# the stack; we insist on it so a stray byte is an error here, not in pip).
# https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/utils/encoding.py
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF32, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
)
_CODING_RE = re.compile(rb"coding[:=]\s*([-\w.]+)")


def decode_requirements_file(data: bytes) -> str:
    """Decode like pip; raises UnicodeDecodeError or LookupError."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    for line in data.split(b"\n")[:2]:
        match = _CODING_RE.search(line)
        if line[:1] == b"#" and match:
            return data.decode(match.group(1).decode("ascii"))
    return data.decode("utf-8")


class _OutsideAppDir(Exception):
    """A file the app links to from outside its directory."""


# --- the graph ----------------------------------------------------------------


def parse_requirements_graph(
    root: str,
    read_file: ReadFile,
    *,
    config_vars: Mapping[str, str],
    path_kind: PathKindOf | None = None,
) -> RequirementsGraph:
    """Parse `root` and everything it includes.

    `path_kind` tells local paths apart (pip installs a directory or an archive);
    without it a path is a file if its name looks like an archive, and is assumed
    to exist.
    """
    root = posixpath.normpath(root)
    walker = _Walker(read_file, config_vars, path_kind or _kind_from_name)
    walker.visit(root, "requirement", None)
    return RequirementsGraph(
        root=root,
        files=tuple(walker.files),
        includes=tuple(walker.includes),
        requirements=tuple(walker.requirements),
        options=tuple(walker.options),
        referenced_vars=tuple(sorted(walker.referenced_vars)),
    )


_Line = RequirementEntry | OptionEntry | Include


@dataclass(frozen=True)
class _ParsedFile:
    lines: tuple[_Line, ...]
    referenced_vars: frozenset[str]


class _Walker:
    def __init__(
        self, read_file: ReadFile, config_vars: Mapping[str, str], path_kind: PathKindOf
    ) -> None:
        self.read_file = read_file
        self.config_vars = config_vars
        self.path_kind = path_kind
        self.parsed: dict[str, _ParsedFile] = {}
        self.expanded: set[tuple[str, EntryKind]] = set()
        self.stack: list[str] = []
        self.files: list[VisitedFile] = []
        self.includes: list[Include] = []
        self.requirements: list[RequirementEntry] = []
        self.options: list[OptionEntry] = []
        self.referenced_vars: set[str] = set()

    def visit(self, path: str, kind: EntryKind, via: Include | None) -> None:
        # pip reads a file again each time it is included (so a loop never ends);
        # we stop at a loop, and expand a file reached twice the same way once.
        if path in self.stack:
            assert via is not None
            raise RequirementsIncludeCycle(
                via.provenance.file,
                via.provenance.line,
                via.display,
                chain=(*self.stack, path),
            )
        if (path, kind) in self.expanded:
            return
        self.expanded.add((path, kind))
        first_time = path not in self.parsed
        parsed = self._parse(path, via)
        self.stack.append(path)
        for line in parsed.lines:
            if isinstance(line, RequirementEntry):
                self.requirements.append(_as_kind(line, kind))
            elif first_time and isinstance(line, OptionEntry):
                self.options.append(line)
            elif isinstance(line, Include):
                if first_time:
                    self.includes.append(line)
                self.visit(line.path, line.kind, line)
        self.stack.pop()

    def _parse(self, path: str, via: Include | None) -> _ParsedFile:
        if path in self.parsed:
            return self.parsed[path]
        try:
            text = self.read_file(path)
        except FileNotFoundError:
            if via is None:
                raise RequirementsFileUnreadable(path, "the file does not exist") from None
            where = via.provenance
            raise RequirementsIncludeMissing(
                where.file, where.line, via.display, target=path
            ) from None
        except _OutsideAppDir:
            if via is None:
                raise RequirementsFileUnreadable(
                    path, "it is a link to a file outside the app"
                ) from None
            where = via.provenance
            raise RequirementsPathOutsideApp(
                where.file, where.line, via.display, role="a file", path=path
            ) from None
        except OSError as error:
            raise RequirementsFileUnreadable(path, error.strerror or str(error)) from None
        parsed = _parse_file_text(path, text, self.config_vars, self.path_kind)
        self.parsed[path] = parsed
        self.referenced_vars |= parsed.referenced_vars
        self.files.append(
            VisitedFile(
                path=path,
                included_from=via.provenance if via else None,
                digest=_digest([_normal_line(line, with_file=False) for line in parsed.lines]),
            )
        )
        return parsed


def _as_kind(entry: RequirementEntry, kind: EntryKind) -> RequirementEntry:
    if kind == "requirement":
        return entry
    # pip accepts these in a constraints file and fails later, in the resolver:
    # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/req_install.py#L820
    problem = ""
    if entry.name is None:
        problem = "Unnamed requirements are not allowed as constraints"
    elif entry.editable:
        problem = "Editable requirements are not allowed as constraints"
    elif entry.extras:
        problem = "Constraints cannot have extras"
    if problem:
        where = entry.provenance
        raise InvalidRequirementsLine(
            where.file,
            where.line,
            entry.display,
            reason=f"{problem}: this line is in a file included with '-c'. A constraint "
            "is a project name with a version specifier (and markers), e.g. 'idna==3.7'.",
        )
    return replace(entry, kind="constraint")


# --- one file -----------------------------------------------------------------


def _parse_file_text(
    path: str,
    text: str,
    config_vars: Mapping[str, str],
    path_kind: PathKindOf | None = None,
) -> _ParsedFile:
    """Parse one file's text; includes are resolved but not followed."""
    lines: list[_Line] = []
    names: set[str] = set()
    # pip-requirements-parser's `preprocess` is pip's: join `\` continuations
    # (numbered by their first line), then split off comments. Unlike pip it does
    # not expand `${VAR}`, which we do next from the app's config vars.
    for item in prp.preprocess(text):
        if isinstance(item, prp.CommentLine):
            continue
        raw = str(item.line)
        expanded, referenced, substituted = _expand_env_vars(raw, config_vars)
        names.update(referenced)
        line = _LineParser(
            path, int(item.line_number), raw, expanded, substituted, path_kind or _kind_from_name
        )
        lines.extend(line.parse())
    return _ParsedFile(tuple(lines), frozenset(names))


# pip's `expand_env_variables`: only `${NAME}` with NAME in [A-Z0-9_]+, replaced
# when the variable is set and not empty, else left as written.
# https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/req_file.py#L532
_ENV_VAR_RE = re.compile(r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})")


def _expand_env_vars(line: str, env: Mapping[str, str]) -> tuple[str, list[str], dict[str, str]]:
    referenced: list[str] = []
    substituted: dict[str, str] = {}
    for env_var, var_name in _ENV_VAR_RE.findall(line):
        referenced.append(var_name)
        value = env.get(var_name)
        if not value:
            continue
        line = line.replace(env_var, value)
        substituted[var_name] = value
    return line, referenced, substituted


class _OptionError(Exception):
    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg


class _LineOptionParser(optparse.OptionParser):
    def error(self, msg: str) -> NoReturn:
        raise _OptionError(msg)


STRONG_HASHES = ("sha256", "sha384", "sha512")


def _merge_hash(
    option: optparse.Option, opt_str: str, value: str, parser: optparse.OptionParser
) -> None:
    # pip's `_handle_merge_hash`: `algo:digest` with a strong algorithm only.
    # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/cli/cmdoptions.py#L910
    algo, sep, digest = value.partition(":")
    if not sep:
        parser.error(
            f"Arguments to {opt_str} must be a hash name followed by a value, "
            "like --hash=sha256:abcde..."
        )
    if algo not in STRONG_HASHES:
        parser.error(f"Allowed hash algorithms for {opt_str} are {', '.join(STRONG_HASHES)}.")
    assert parser.values is not None
    parser.values.ensure_value("hashes", []).append(f"{algo}:{digest}")


def _check_config_setting(
    option: optparse.Option, opt_str: str, value: str, parser: optparse.OptionParser
) -> None:
    # pip's `_handle_config_settings` wants KEY=VAL.
    if "=" not in value:
        parser.error(f"Arguments to {opt_str} must be of the form KEY=VAL")
    assert parser.values is not None
    parser.values.ensure_value("config_settings", []).append(value)


def _option_parser() -> _LineOptionParser:
    """The options pip accepts on a requirements file line.

    pip-requirements-parser's own parser is pip 22's plus obsolete options pip now
    rejects (`--install-option`, `--allow-external`, `-Z`, ...), an alias pip
    never had (`--requirements`), and no `--config-settings`; so we take its
    option definitions where they match pip's and add pip's others.
    A new parser per line, as in pip: append options share their default list.
    """
    parser = _LineOptionParser(add_help_option=False)
    for factory in (
        prp.index_url,
        prp.extra_index_url,
        prp.no_index,
        prp.constraints,
        prp.editable,
        prp.find_links,
        prp.no_binary,
        prp.only_binary,
        prp.prefer_binary,
        prp.require_hashes,
        prp.pre,
        prp.trusted_host,
        prp.use_feature,
        prp.global_options,
    ):
        parser.add_option(factory())
    parser.add_option("-r", "--requirement", dest="requirements", action="append", default=[])
    parser.add_option("--hash", dest="hashes", action="callback", type="str", callback=_merge_hash)
    parser.add_option(
        "-C",
        "--config-settings",
        dest="config_settings",
        action="callback",
        type="str",
        callback=_check_config_setting,
    )
    return parser


_SCHEME_RE = re.compile(r"^(http|https|file):", re.I)
_HAS_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PROJECT_NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.I)


class _LineParser:
    """One logical line: a requirement, an include or options."""

    def __init__(
        self,
        file: str,
        number: int,
        raw: str,
        expanded: str,
        substituted: Mapping[str, str],
        path_kind: PathKindOf,
    ) -> None:
        self.file = file
        self.where = Provenance(file, number)
        self.raw = raw
        self.expanded = expanded
        self.substituted = substituted
        self.path_kind = path_kind
        self.display = redact(raw, collapse=True)

    def invalid(self, reason: str) -> NoReturn:
        # The reason may quote the expanded line: put the `${VAR}`s back.
        for name, value in sorted(self.substituted.items(), key=lambda kv: -len(kv[1])):
            reason = reason.replace(value, "${" + name + "}")
        raise InvalidRequirementsLine(
            self.where.file, self.where.line, self.display, reason=redact(reason)
        )

    def parse(self) -> list[_Line]:
        # pip's `parse_line`: the words before the first one starting with `-` are
        # the requirement (not shlex-split, markers would break); the rest are
        # options; words after the options are ignored.
        # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/req_file.py#L403
        args, options_text = prp.break_args_options(self.expanded)
        try:
            tokens = shlex.split(options_text)
        except ValueError:
            self.invalid(f"Could not split options: {options_text}")
        parser = _option_parser()
        try:
            opts, _ = parser.parse_args(tokens, parser.get_default_values())
        except _OptionError as error:
            self.invalid(error.msg)
        # As in pip's `ParsedLine` and `handle_line`: a requirement line takes only
        # per-requirement options; `-e` is a requirement; `-r`/`-c` on a line of
        # their own include a file (only the first one, and other options on that
        # line are ignored); any other line is global options.
        if args:
            return [self.requirement(str(args), opts, editable=False)]
        if opts.editables:
            return [self.requirement(str(opts.editables[0]), opts, editable=True)]
        if opts.requirements:
            return [self.include(str(opts.requirements[0]), "requirement")]
        if opts.constraints:
            return [self.include(str(opts.constraints[0]), "constraint")]
        return list(self.global_options(opts))

    # -- includes

    def include(self, target: str, kind: EntryKind) -> Include:
        if _SCHEME_RE.match(target) and not target.lower().startswith("file:"):
            raise RequirementsRemoteInclude(self.where.file, self.where.line, self.display)
        if target.lower().startswith("file:"):
            path = self.app_path(self.file_url_path(target), "a file")
        else:
            # Relative to the including file's directory, as pip joins them.
            joined = posixpath.join(posixpath.dirname(self.file), target)
            path = self.app_path(joined, "a file")
        return Include(kind, path, self.where, self.display)

    # -- options

    def global_options(self, opts: Any) -> list[OptionEntry]:
        found: list[tuple[str, str | None]] = []
        if opts.index_url:
            found.append(("--index-url", str(opts.index_url)))
        found += [("--extra-index-url", str(v)) for v in opts.extra_index_urls]
        if opts.no_index:
            found.append(("--no-index", None))
        if opts.find_links:
            # pip takes only the first --find-links of a line (a FIXME in pip).
            found.append(("--find-links", str(opts.find_links[0])))
        found += [("--no-binary", str(v)) for v in opts.no_binary]
        found += [("--only-binary", str(v)) for v in opts.only_binary]
        if opts.prefer_binary:
            found.append(("--prefer-binary", None))
        if opts.require_hashes:
            found.append(("--require-hashes", None))
        if opts.pre:
            found.append(("--pre", None))
        found += [("--trusted-host", str(v)) for v in opts.trusted_hosts]
        found += [("--use-feature", str(v)) for v in opts.use_features]
        return [
            OptionEntry(
                name=name,
                value=value,
                local_path=self.find_links_path(value)
                if name == "--find-links" and value is not None
                else None,
                provenance=self.where,
                display=self.display,
            )
            for name, value in found
        ]

    def find_links_path(self, value: str) -> str | None:
        # pip looks next to the requirements file first, if that exists, else
        # relative to its working directory (the app dir).
        # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/req_file.py#L246
        if _HAS_SCHEME_RE.match(value):
            if not value.lower().startswith("file:"):
                return None
            return self.app_path(self.file_url_path(value), "a --find-links directory")
        beside = posixpath.normpath(posixpath.join(posixpath.dirname(self.file), value))
        if not _escapes(beside) and self.path_kind(beside) is not None:
            return beside
        return self.app_path(value, "a --find-links directory")

    # -- requirements

    def requirement(self, text: str, opts: Any, *, editable: bool) -> RequirementEntry:
        raw_args = str(prp.break_args_options(self.raw)[0])
        display = redact(raw_args, collapse=True) if raw_args and not editable else self.display
        config_settings = [("--config-settings", str(v)) for v in opts.config_settings or []]
        if editable:
            # pip ignores --hash (and --global-option) on an editable line.
            target = self.editable_target(text)
            hashes: tuple[str, ...] = ()
            options = tuple(config_settings)
        else:
            target = self.line_target(text)
            hashes = tuple(sorted(set(opts.hashes or [])))
            global_options = [("--global-option", str(v)) for v in opts.global_options or []]
            options = tuple(config_settings + global_options)
        return target.entry(
            editable=editable,
            hashes=hashes,
            options=options,
            provenance=self.where,
            display=display,
        )

    def line_target(self, text: str) -> _Target:
        # pip-requirements-parser's `parse_reqparts_from_string` is pip's
        # `parse_req_from_line` without its file system checks (which we make with
        # `path_kind`, from the app dir: pip's working directory).
        try:
            parts = prp.parse_reqparts_from_string(text)
        except (ValueError, prp.PipError) as error:
            self.invalid(_pip_reason(error))
        req: Requirement | None = parts.requirement
        link = parts.link
        marker: Marker | None = parts.marker or (req.marker if req else None)
        extras = set(parts.extras) or (set(req.extras) if req else set())
        url: str | None = None
        local: LocalPath | None = None
        if link is not None:
            self.check_egg(link)
            scheme = str(link.scheme).lower()
            if scheme == "file":
                url = str(link.url)
                local = self.local_path(self.file_url_path(url), editable=False)
            elif scheme == "":
                local = self.local_path(str(link.path), editable=False)
            else:
                url = str(link.url)
        elif req is not None and req.url:
            url = req.url
            if url.lower().startswith("file:"):
                local = self.local_path(self.file_url_path(url), editable=False)
        if url is not None and _is_vcs_url(url):
            self.check_vcs_revision(url)
        return _Target(req, extras, marker, url, local)

    def editable_target(self, text: str) -> _Target:
        # pip's `parse_editable`: a local directory, a file: URL or a VCS URL with
        # #egg=name. pip-requirements-parser's version also takes any URL with a
        # `/` in it as a path, so this follows pip instead.
        # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/constructors.py#L67
        without_extras, extras_text = prp._strip_extras(text)
        extras = set(prp.convert_extras(extras_text)) if extras_text else set()
        if not _HAS_SCHEME_RE.match(without_extras):
            path = self.app_path(without_extras, "a local package")
            kind = self.path_kind(path)
            if kind == "dir":
                return _Target(None, extras, None, None, LocalPath(path, "dir"))
            if kind is None and prp._looks_like_path(without_extras):
                raise RequirementsLocalPathMissing(
                    self.where.file, self.where.line, self.display, path=without_extras
                )
        if without_extras.lower().startswith("file:"):
            link = prp.Link(without_extras)
            self.check_egg(link)
            egg = link.egg_fragment
            local = self.local_path(self.file_url_path(without_extras), editable=True)
            return _Target(
                Requirement(str(egg)) if egg else None, extras, None, str(link.url), local
            )
        url = text
        for vcs in prp.vcs:
            if url.lower().startswith(f"{vcs}:"):
                url = f"{vcs}+{url}"
                break
        link = prp.Link(url)
        if not link.is_vcs:
            self.invalid(
                f"{text} is not a valid editable requirement. It should either be a path "
                "to a local project or a VCS URL (beginning with "
                f"{', '.join(prp.vcs_all_schemes)})."
            )
        self.check_egg(link)
        egg = link.egg_fragment
        if not egg:
            self.invalid(
                f"Could not detect requirement name for '{text}', please specify one "
                "with #egg=your_package_name"
            )
        self.check_vcs_revision(str(link.url))
        return _Target(Requirement(str(egg)), set(), None, str(link.url), None)

    def check_egg(self, link: Any) -> None:
        # pip 25 refuses an #egg= fragment that is not a bare project name.
        egg = link.egg_fragment
        if egg is not None and not _PROJECT_NAME_RE.match(str(egg)):
            self.invalid(
                f"The #egg={egg} fragment is not a project name. Write only the name "
                "(#egg=name), or use the form 'name[extras] @ URL'."
            )

    def check_vcs_revision(self, url: str) -> None:
        path = urlsplit(url).path
        if "@" in path and not path.rsplit("@", 1)[1]:
            self.invalid(f"The URL {url!r} has an empty revision (after @).")

    def local_path(self, written: str, *, editable: bool) -> LocalPath:
        path = self.app_path(written, "a local package")
        kind = self.path_kind(path)
        if kind is None:
            raise RequirementsLocalPathMissing(
                self.where.file, self.where.line, self.display, path=written
            )
        if kind == "file" and not editable and not prp.is_archive_file(path):
            self.invalid(
                f"'{written}' is a file that is not an archive. pip installs a local "
                "directory with a pyproject.toml or setup.py, or an archive (.whl, "
                ".tar.gz, .zip)."
            )
        return LocalPath(path, kind)

    def file_url_path(self, url: str) -> str:
        try:
            return str(prp.url_to_path(url.split("#", 1)[0]))
        except ValueError as error:
            self.invalid(str(error))

    def app_path(self, written: str, role: str) -> str:
        """`written` (relative to the app dir) normalized; refused if outside."""
        path = posixpath.normpath(written)
        if _escapes(path):
            raise RequirementsPathOutsideApp(
                self.where.file, self.where.line, self.display, role=role, path=path
            )
        return path


def _escapes(path: str) -> bool:
    return posixpath.isabs(path) or path == ".." or path.startswith("../")


def _kind_from_name(path: str) -> PathKind:
    return "file" if prp.is_archive_file(path) else "dir"


@dataclass(frozen=True)
class _Target:
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
    return "." if path == "." else f"./{path}"


def _pip_reason(error: BaseException) -> str:
    # pip-requirements-parser words it "Invalid requirement: <hint>: <packaging's
    # message>", with an empty hint most of the time.
    text = str(error).strip()
    text = text.removeprefix("Invalid requirement: ")
    hint, sep, rest = text.partition(": ")
    if sep and hint in (
        "",
        "It looks like a path.",
        "= is not a valid operator. Did you mean == ?",
    ):
        return f"{rest}\nHint: {hint}" if hint else rest
    return text.removeprefix(": ")


# --- URLs -----------------------------------------------------------------------

_COMMIT_RE = re.compile(r"^[a-fA-F0-9]{40}$")
_HASH_FRAGMENT_RE = re.compile(r"(sha1|sha224|sha384|sha256|sha512|md5)=([a-f0-9]+)")


def _is_vcs_url(url: str) -> bool:
    return urlsplit(url).scheme.lower() in prp.vcs_all_schemes


def _vcs_ref(url: str) -> str | None:
    # pip's `VersionControl.get_url_rev_and_auth`: the revision follows the last
    # `@` of the URL's path.
    path = urlsplit(url).path
    return path.rsplit("@", 1)[1] if "@" in path else None


def _is_commit(ref: str | None) -> bool:
    return ref is not None and bool(_COMMIT_RE.match(ref))


def _has_hash_fragment(url: str) -> bool:
    # pip's `Link.hash`: the first `<algorithm>=<hex>` anywhere in the URL.
    return bool(_HASH_FRAGMENT_RE.search(url))


# --- fingerprint input ------------------------------------------------------------


def normalized_graph(graph: RequirementsGraph) -> dict[str, Any]:
    """A JSON value that changes exactly when pip's view of the graph does.

    Blind to comments, blank lines, whitespace, line continuations, line numbers
    and the order of hashes; it holds expanded `${VAR}` values, so hash it and
    never log it.
    """
    return {
        "root": graph.root,
        "files": [f.path for f in graph.files],
        "includes": [_normal_line(i) for i in graph.includes],
        "requirements": [_normal_line(r) for r in graph.requirements],
        "options": [_normal_line(o) for o in graph.options],
    }


def _normal_line(line: _Line, *, with_file: bool = True) -> dict[str, Any]:
    value: dict[str, Any]
    if isinstance(line, RequirementEntry):
        value = {
            "kind": line.kind,
            "requirement": line.normalized,
            "editable": line.editable,
            "hashes": list(line.hashes),
            "options": [list(o) for o in line.options],
            "local_path": [line.local_path.path, line.local_path.kind] if line.local_path else None,
        }
    elif isinstance(line, OptionEntry):
        value = {"option": line.name, "value": line.value, "local_path": line.local_path}
    else:
        value = {"include": line.kind, "path": line.path}
    if with_file:
        value["file"] = line.provenance.file
    return value


def _digest(value: Sequence[dict[str, Any]]) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
