"""The warning about packages no file pins, in a few lines (issue 10).

An app with 16 ranges and 53 unpinned dependencies used to get about 75 warning
lines on every build, its direct requirements listed twice. Now: the counts, the
first few of each kind, how to pin; the full lists are in bin/report (`unpinned`).
"""

from __future__ import annotations

from collections.abc import Sequence

EXAMPLES = 3


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def unpinned_warning(direct: Sequence[str], dependencies: Sequence[str]) -> tuple[str, str] | None:
    """`direct`: `file:line: line` of each requirement with no exact version;
    `dependencies`: names installed that no file pins, direct ones left out."""
    if not direct and not dependencies:
        return None
    counts = []
    if direct:
        counts.append(_plural(len(direct), "requirement has", "requirements have"))
        counts[-1] += " no exact version"
    if dependencies:
        counts.append(_plural(len(dependencies), "dependency is", "dependencies are"))
        counts[-1] += " pinned by no file"
    examples = [f"{line}" for line in direct[:EXAMPLES]]
    if len(direct) > EXAMPLES:
        examples.append(f"and {len(direct) - EXAMPLES} more requirements")
    if dependencies:
        names = ", ".join(dependencies[:EXAMPLES])
        more = f" and {len(dependencies) - EXAMPLES} more" if len(dependencies) > EXAMPLES else ""
        examples.append(f"dependencies: {names}{more}")
    title = " and ".join(counts) + "."
    body = (
        "\n".join(f"- {example}" for example in examples)
        + "\n\nA clean build may pick newer versions of them at any time, so before reusing\n"
        "the cache every build asks the package index whether it would. Pin every\n"
        "package to make builds repeatable: pip freeze > requirements.txt\n"
        "The full lists are in bin/report (unpinned)."
    )
    return title[0].upper() + title[1:], body
