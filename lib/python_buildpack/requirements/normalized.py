"""The graph as the fingerprint sees it: what pip would do, not how it is written."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from .model import Line, OptionEntry, RequirementEntry, RequirementsGraph


def normalized_graph(graph: RequirementsGraph) -> dict[str, Any]:
    """A JSON value that changes exactly when pip's view of the graph does.

    Blind to comments, blank lines, whitespace, line continuations, line numbers
    and the order of hashes; it holds expanded `${VAR}` values, so hash it and
    never log it.
    """
    return {
        "root": graph.root,
        "files": [f.path for f in graph.files],
        "includes": [normal_line(i) for i in graph.includes],
        "requirements": [normal_line(r) for r in graph.requirements],
        "options": [normal_line(o) for o in graph.options],
    }


def normal_line(line: Line, *, with_file: bool = True) -> dict[str, Any]:
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


def digest(value: Sequence[dict[str, Any]]) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
