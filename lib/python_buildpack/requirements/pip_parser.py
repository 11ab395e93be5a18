"""The one module that imports pip-requirements-parser.

pip-requirements-parser (vendored) is pip's requirements-file code, taken out of
pip so that it can be imported. We ask it only about the syntax of one line at a
time; opening files, includes, `${VAR}` and the options pip added since are ours
(see line.py and options.py). Every name the buildpack takes from it is listed
here, so an upgrade of the package is checked in one place.
"""

from __future__ import annotations

from pip_requirements_parser import (
    CommentLine,
    Link,
    PipError,
    break_args_options,
    constraints,
    convert_extras,
    editable,
    extra_index_url,
    find_links,
    global_options,
    index_url,
    is_archive_file,
    no_binary,
    no_index,
    only_binary,
    parse_reqparts_from_string,
    pre,
    prefer_binary,
    preprocess,
    require_hashes,
    trusted_host,
    url_to_path,
    use_feature,
    vcs,
    vcs_all_schemes,
)

# Two private helpers of pip's `parse_editable`, which the package does not make
# public but which an `-e` line needs to be read as pip reads it (line.py's
# `editable_target`; the package's own `parse_editable` takes any URL with a `/`
# for a path, unlike pip, so we cannot call it):
# - `_strip_extras`: split `path[extra1,extra2]` into the path and its extras;
# - `_looks_like_path`: whether pip would take the text as a path (it has a `/`
#   or starts with `.`), so a missing one is "no such path", not "not a URL".
# https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/req/constructors.py#L44
from pip_requirements_parser import _looks_like_path as looks_like_path
from pip_requirements_parser import _strip_extras as strip_extras

# The option definitions of pip's `cmdoptions` that a requirements file line
# accepts, where pip-requirements-parser's match pip's (options.py adds the rest).
LINE_OPTION_FACTORIES = (
    index_url,
    extra_index_url,
    no_index,
    constraints,
    editable,
    find_links,
    no_binary,
    only_binary,
    prefer_binary,
    require_hashes,
    pre,
    trusted_host,
    use_feature,
    global_options,
)

__all__ = [
    "LINE_OPTION_FACTORIES",
    "CommentLine",
    "Link",
    "PipError",
    "break_args_options",
    "convert_extras",
    "is_archive_file",
    "looks_like_path",
    "parse_reqparts_from_string",
    "preprocess",
    "strip_extras",
    "url_to_path",
    "vcs",
    "vcs_all_schemes",
]
