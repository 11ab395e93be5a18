"""The requirements graph: requirements.txt and every file it reaches.

model.py holds the values; graph.py reads the files and follows includes;
line.py reads one line, with pip-requirements-parser behind pip_parser.py;
options.py is pip's option parser for a line; urls.py has the VCS and hash rules;
normalized.py is the graph as the fingerprint sees it.
"""

from __future__ import annotations

from .graph import decode_requirements_file, load_requirements_graph, parse_requirements_graph
from .model import (
    EntryKind,
    Include,
    LocalPath,
    MovingTarget,
    OptionEntry,
    PathKind,
    PathKindOf,
    Provenance,
    ReadFile,
    RequirementEntry,
    RequirementsGraph,
    VisitedFile,
)
from .normalized import normalized_graph
from .urls import is_full_commit, split_vcs_url

__all__ = [
    "EntryKind",
    "Include",
    "LocalPath",
    "MovingTarget",
    "OptionEntry",
    "PathKind",
    "PathKindOf",
    "Provenance",
    "ReadFile",
    "RequirementEntry",
    "RequirementsGraph",
    "VisitedFile",
    "decode_requirements_file",
    "is_full_commit",
    "load_requirements_graph",
    "normalized_graph",
    "parse_requirements_graph",
    "split_vcs_url",
]
