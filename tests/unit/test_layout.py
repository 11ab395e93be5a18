"""The package's shape: no import cycle among its modules, no module too long to read.

The import graph is read with `ast` from the source (nothing is imported): one
edge per import of another module of the package, relative or absolute. The
first cycle test takes the imports that run when a module is imported; the second
adds those deferred into functions (cli.py defers some to keep bin/detect fast),
which break no import but still tie the modules together. Imports under
`if TYPE_CHECKING:` never run and are left out of both.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "lib" / "python_buildpack"
MAX_LINES = 350


def module_files(package_dir: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (a package is
    its `__init__.py`)."""
    root = package_dir.name
    modules: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [root, *path.relative_to(package_dir).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _imports(body: list[ast.stmt], *, deferred: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not deferred:
            continue
        blocks: list[list[ast.stmt]] = [
            getattr(node, f, []) for f in ("body", "orelse", "finalbody")
        ]
        blocks += [handler.body for handler in getattr(node, "handlers", [])]
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
            if name == "TYPE_CHECKING":
                blocks = [node.orelse]
        for block in blocks:
            yield from _imports(block, deferred=deferred)


def import_graph(modules: Mapping[str, Path], *, deferred: bool = False) -> dict[str, set[str]]:
    """Module -> the package's modules it imports when it is imported (and, with
    `deferred`, those its functions import when they run)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        tree = ast.parse(path.read_text(), str(path))
        for node in _imports(tree.body, deferred=deferred):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names if alias.name in modules)
                continue
            if node.level:
                # `from .x import y` in module a.b.c is a.b.x; in package a.b's
                # __init__ it is a.b.x too.
                base = name.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    targets.add(submodule)
                elif source in modules:
                    targets.add(source)
        targets.discard(name)
        graph[name] = targets
    return graph


def import_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected
    group of modules, found with Tarjan's algorithm."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: set[str] = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: Mapping[str, set[str]]) -> list[str]:
    """A shortest import path from the group's first module back to itself."""
    start = min(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no cycle in {sorted(group)}")


def test_no_import_cycle_among_the_package_modules() -> None:
    cycles = import_cycles(import_graph(module_files(PACKAGE_DIR)))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_no_import_inside_a_function_closes_a_cycle() -> None:
    # An import deferred into a function hides a cycle from Python, not from a
    # reader: errors.py (now errors/) once imported fingerprint.redact that way,
    # and 11 modules depended on each other through it.
    cycles = import_cycles(import_graph(module_files(PACKAGE_DIR), deferred=True))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


MODULES = module_files(PACKAGE_DIR)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_longer_than_a_reader_can_hold(module: str) -> None:
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (at most {MAX_LINES})"


def _write(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"a.py": "from . import b\n", "b.py": "from .a import x\n"}, id="relative"),
        pytest.param(
            {"a.py": "import pkg.sub.c\n", "sub/__init__.py": "", "sub/c.py": "from .. import a\n"},
            id="absolute-and-parent",
        ),
        pytest.param(
            {
                "a.py": "try:\n    from .b import y\nexcept ImportError:\n    pass\n",
                "b.py": "from .a import x\n",
            },
            id="inside-try",
        ),
    ],
)
def test_a_cycle_between_two_modules_is_named(tmp_path: Path, files: Mapping[str, str]) -> None:
    package = _write(tmp_path / "pkg", {"__init__.py": "", **files})
    cycles = import_cycles(import_graph(module_files(package)))
    assert len(cycles) == 1
    assert cycles[0][0] == cycles[0][-1] == "pkg.a"


def test_a_cycle_through_a_function_is_found_only_among_deferred_imports(tmp_path: Path) -> None:
    package = _write(
        tmp_path / "pkg",
        {
            "__init__.py": "",
            "a.py": "from . import b\n",
            "b.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from .a import x\n"
                "def f():\n    from . import a\n"
            ),
        },
    )
    assert import_graph(module_files(package)) == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": set()}
    assert import_cycles(import_graph(module_files(package))) == []
    deferred = import_cycles(import_graph(module_files(package), deferred=True))
    assert deferred == [["pkg.a", "pkg.b", "pkg.a"]]
