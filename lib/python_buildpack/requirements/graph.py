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
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from ..config import ConfigVars
from ..errors import (
    InvalidRequirementsLine,
    RequirementsFileNotText,
    RequirementsFileUnreadable,
    RequirementsIncludeCycle,
    RequirementsIncludeMissing,
    RequirementsPathOutsideApp,
)
from .line import LineParser, kind_from_name
from .model import (
    EntryKind,
    Include,
    Line,
    OptionEntry,
    PathKind,
    PathKindOf,
    ReadFile,
    RequirementEntry,
    RequirementsGraph,
    VisitedFile,
)
from .normalized import digest, normal_line
from .pip_parser import CommentLine, preprocess

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
    walker = _Walker(read_file, config_vars, path_kind or kind_from_name)
    walker.visit(root, "requirement", None)
    return RequirementsGraph(
        root=root,
        files=tuple(walker.files),
        includes=tuple(walker.includes),
        requirements=tuple(walker.requirements),
        options=tuple(walker.options),
        referenced_vars=tuple(sorted(walker.referenced_vars)),
    )


@dataclass(frozen=True)
class _ParsedFile:
    lines: tuple[Line, ...]
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
                digest=digest([normal_line(line, with_file=False) for line in parsed.lines]),
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
    lines: list[Line] = []
    names: set[str] = set()
    # pip-requirements-parser's `preprocess` is pip's: join `\` continuations
    # (numbered by their first line), then split off comments. Unlike pip it does
    # not expand `${VAR}`, which we do next from the app's config vars.
    for item in preprocess(text):
        if isinstance(item, CommentLine):
            continue
        raw = str(item.line)
        expanded, referenced, substituted = _expand_env_vars(raw, config_vars)
        names.update(referenced)
        line = LineParser(
            path, int(item.line_number), raw, expanded, substituted, path_kind or kind_from_name
        )
        lines.extend(line.parse())
    return _ParsedFile(tuple(lines), frozenset(names))


# pip's `expand_env_variables`: only `${NAME}` with NAME in [A-Z0-9_]+, replaced
# when the variable is set and not empty, else left as written. A value that is
# substituted becomes a secret of the build's Redactor (see config.ConfigVars).
# https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/req_file.py#L532
_ENV_VAR_RE = re.compile(r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})")


def _expand_env_vars(line: str, env: Mapping[str, str]) -> tuple[str, list[str], dict[str, str]]:
    referenced: list[str] = []
    substituted: dict[str, str] = {}
    for env_var, var_name in _ENV_VAR_RE.findall(line):
        referenced.append(var_name)
        value = env.substitute(var_name) if isinstance(env, ConfigVars) else env.get(var_name)
        if not value:
            continue
        line = line.replace(env_var, value)
        substituted[var_name] = value
    return line, referenced, substituted
