"""tools/check_vendor.py: the committed vendor/ against a fresh `make vendor`.

The fresh tree is faked here (a copy, then edited); the real regeneration needs the
package index and runs in `make test`."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def _load_tool() -> ModuleType:
    """Import the script; the tools/ dir it puts on sys.path is taken off again."""
    path = ROOT / "tools" / "check_vendor.py"
    spec = importlib.util.spec_from_file_location("check_vendor", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    saved = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


check_vendor = _load_tool()


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_bytecode_is_not_compared(tmp_path: Path) -> None:
    a = _tree(tmp_path / "a", {"pkg/__init__.py": "x = 1\n"})
    b = _tree(tmp_path / "b", {"pkg/__init__.py": "x = 1\n", "pkg/__pycache__/i.pyc": "?"})
    assert check_vendor.differences(check_vendor.tree_digest(a), check_vendor.tree_digest(b)) == []


def test_missing_extra_and_edited_files_are_each_named(tmp_path: Path) -> None:
    fresh = _tree(tmp_path / "fresh", {"a.py": "1\n", "b.py": "2\n", ".pins": "p\n"})
    committed = _tree(tmp_path / "committed", {"a.py": "1 # edited\n", "c.py": "3\n"})
    problems = check_vendor.differences(
        check_vendor.tree_digest(fresh), check_vendor.tree_digest(committed)
    )
    assert problems == [
        "missing: .pins",
        "missing: b.py",
        "not made by 'make vendor': c.py",
        "differs: a.py",
    ]


@pytest.mark.parametrize("edit", [False, True])
def test_check_fails_only_when_vendor_differs_from_what_make_vendor_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], edit: bool
) -> None:
    committed = _tree(tmp_path / "root" / "vendor", {"pkg/__init__.py": "x = 1\n"})

    def fake_fill(dest: Path, trust: Mapping[str, str], *, quiet: bool = False) -> None:
        shutil.copytree(committed, dest)
        if edit:
            (dest / "pkg" / "__init__.py").write_text("x = 2\n", encoding="utf-8")

    monkeypatch.setattr(check_vendor, "ROOT", tmp_path / "root")
    monkeypatch.setattr(check_vendor.make_vendor, "fill", fake_fill)

    assert check_vendor.main() == (1 if edit else 0)
    out = capsys.readouterr().out
    assert ("differs: pkg/__init__.py" in out) is edit
