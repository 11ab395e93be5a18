"""Apps made of requirement files given as strings, for the requirements tests."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from python_buildpack.errors import (
    BuildpackError,
)
from python_buildpack.requirements import (
    PathKind,
    RequirementEntry,
    RequirementsGraph,
    parse_requirements_graph,
)

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def graph_of(
    files: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    *,
    dirs: tuple[str, ...] = (),
) -> RequirementsGraph:
    """The graph of an app made of `files`, plus the directories `dirs`."""

    def read_file(path: str) -> str:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    def path_kind(path: str) -> PathKind | None:
        if path in files:
            return "file"
        if path == "." or path in dirs or any(f.startswith(path + "/") for f in files):
            return "dir"
        return None

    return parse_requirements_graph(
        "requirements.txt", read_file, config_vars=env or {}, path_kind=path_kind
    )


def error_of(files: Mapping[str, str], env: Mapping[str, str] | None = None) -> BuildpackError:
    with pytest.raises(BuildpackError) as info:
        graph_of(files, env)
    return info.value


def only(graph: RequirementsGraph) -> RequirementEntry:
    assert len(graph.requirements) == 1, graph.requirements
    return graph.requirements[0]
