"""One logical line of a requirements file: a requirement, an include or options.

The line's syntax is pip's; pip-requirements-parser (through pip_parser.py)
splits it and parses requirement specifiers and links, and this module adds the
checks pip makes against the file system (from the app dir: pip's working
directory) and the newer rules pip has that the package lacks.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping
from typing import Any, NoReturn

from packaging.markers import Marker
from packaging.requirements import Requirement

from ..errors import (
    InvalidRequirementsLine,
    RequirementsLocalPathMissing,
    RequirementsOutsidePathMissing,
    RequirementsPathOutsideApp,
    RequirementsRemoteInclude,
)
from ..redaction import redact
from .model import (
    EntryKind,
    Include,
    Line,
    LocalPath,
    OptionEntry,
    PathKind,
    PathKindOf,
    Provenance,
    RequirementEntry,
    Target,
)
from .options import OptionError, parse_line_options
from .pip_parser import (
    Link,
    PipError,
    break_args_options,
    convert_extras,
    is_archive_file,
    looks_like_path,
    parse_reqparts_from_string,
    strip_extras,
    url_to_path,
    vcs,
    vcs_all_schemes,
)
from .urls import is_vcs_url, vcs_revision

_SCHEME_RE = re.compile(r"^(http|https|file):", re.I)
_HAS_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PROJECT_NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.I)


class LineParser:
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

    def parse(self) -> list[Line]:
        # pip's `parse_line`: the words before the first one starting with `-` are
        # the requirement (not shlex-split, markers would break); the rest are
        # options; words after the options are ignored.
        # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/req_file.py#L403
        args, options_text = break_args_options(self.expanded)
        try:
            tokens = shlex.split(options_text)
        except ValueError:
            self.invalid(f"Could not split options: {options_text}")
        try:
            opts = parse_line_options(tokens)
        except OptionError as error:
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
            path = self.file_url_path(value)
            return self.app_path(path, "a --find-links directory", absolute_ok=True)
        beside = posixpath.normpath(posixpath.join(posixpath.dirname(self.file), value))
        if not _escapes(beside) and self.path_kind(beside) is not None:
            return beside
        return self.app_path(value, "a --find-links directory", absolute_ok=True)

    # -- requirements

    def requirement(self, text: str, opts: Any, *, editable: bool) -> RequirementEntry:
        raw_args = str(break_args_options(self.raw)[0])
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

    def line_target(self, text: str) -> Target:
        # pip-requirements-parser's `parse_reqparts_from_string` is pip's
        # `parse_req_from_line` without its file system checks (which we make with
        # `path_kind`, from the app dir: pip's working directory).
        try:
            parts = parse_reqparts_from_string(text)
        except (ValueError, PipError) as error:
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
        if url is not None and is_vcs_url(url):
            self.check_vcs_revision(url)
        return Target(req, extras, marker, url, local)

    def editable_target(self, text: str) -> Target:
        # pip's `parse_editable`: a local directory, a file: URL or a VCS URL with
        # #egg=name. pip-requirements-parser's version also takes any URL with a
        # `/` in it as a path, so this follows pip instead.
        # https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/constructors.py#L67
        without_extras, extras_text = strip_extras(text)
        extras = set(convert_extras(extras_text)) if extras_text else set()
        if not _HAS_SCHEME_RE.match(without_extras):
            path = self.app_path(without_extras, "an editable package")
            kind = self.path_kind(path)
            if kind == "dir":
                return Target(None, extras, None, None, LocalPath(path, "dir"))
            if kind is None and looks_like_path(without_extras):
                raise RequirementsLocalPathMissing(
                    self.where.file, self.where.line, self.display, path=without_extras
                )
        if without_extras.lower().startswith("file:"):
            link = Link(without_extras)
            self.check_egg(link)
            egg = link.egg_fragment
            local = self.local_path(self.file_url_path(without_extras), editable=True)
            return Target(
                Requirement(str(egg)) if egg else None, extras, None, str(link.url), local
            )
        url = text
        for name in vcs:
            if url.lower().startswith(f"{name}:"):
                url = f"{name}+{url}"
                break
        link = Link(url)
        if not link.is_vcs:
            self.invalid(
                f"{text} is not a valid editable requirement. It should either be a path "
                "to a local project or a VCS URL (beginning with "
                f"{', '.join(vcs_all_schemes)})."
            )
        self.check_egg(link)
        egg = link.egg_fragment
        if not egg:
            self.invalid(
                f"Could not detect requirement name for '{text}', please specify one "
                "with #egg=your_package_name"
            )
        self.check_vcs_revision(str(link.url))
        return Target(Requirement(str(egg)), set(), None, str(link.url), None)

    def check_egg(self, link: Any) -> None:
        # pip 25 refuses an #egg= fragment that is not a bare project name.
        egg = link.egg_fragment
        if egg is not None and not _PROJECT_NAME_RE.match(str(egg)):
            self.invalid(
                f"The #egg={egg} fragment is not a project name. Write only the name "
                "(#egg=name), or use the form 'name[extras] @ URL'."
            )

    def check_vcs_revision(self, url: str) -> None:
        if vcs_revision(url) == "":
            self.invalid(f"The URL {url!r} has an empty revision (after @).")

    def local_path(self, written: str, *, editable: bool) -> LocalPath:
        # pip installs from an absolute path outside the app (a wheel a CI step built;
        # hashed by content, as in the app); -e would link the slug to a missing dir.
        role = "an editable package" if editable else "a local package"
        path = self.app_path(written, role, absolute_ok=not editable)
        kind = self.path_kind(path)
        if kind is None:
            outside = _escapes(path)
            error = RequirementsOutsidePathMissing if outside else RequirementsLocalPathMissing
            raise error(self.where.file, self.where.line, self.display, path=written)
        if kind == "file" and not editable and not is_archive_file(path):
            self.invalid(
                f"'{written}' is a file that is not an archive. pip installs a local "
                "directory with a pyproject.toml or setup.py, or an archive (.whl, "
                ".tar.gz, .zip)."
            )
        return LocalPath(path, kind)

    def file_url_path(self, url: str) -> str:
        try:
            return str(url_to_path(url.split("#", 1)[0]))
        except ValueError as error:
            self.invalid(str(error))

    def app_path(self, written: str, role: str, *, absolute_ok: bool = False) -> str:
        """`written` normalized; refused if it leaves the app, unless `absolute_ok`
        and it is absolute (relative, it names another place on every build)."""
        path = posixpath.normpath(written)
        if _escapes(path) and not (absolute_ok and posixpath.isabs(path)):
            raise RequirementsPathOutsideApp(
                self.where.file, self.where.line, self.display, role=role, path=path
            )
        return path


def _escapes(path: str) -> bool:
    return posixpath.isabs(path) or path == ".." or path.startswith("../")


def kind_from_name(path: str) -> PathKind:
    return "file" if is_archive_file(path) else "dir"


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
