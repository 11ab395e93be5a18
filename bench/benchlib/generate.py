"""Generated packages: deterministic, pseudo-random but plausible Python (functions,
classes, data tables) plus a JSON data file, 150-450 KB unpacked, as deflated wheels;
about 40% depend on 1-3 earlier packages. Every app of the benchmark is made of them."""

from __future__ import annotations

import json
import os
import random
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

from support.wheels import build_wheel, dist_name

# Bump when the generated packages change, so old wheel stores are not reused.
GENERATOR_VERSION = 2

_SYLLABLES = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "do", "fi", "gu",
    "ha", "je", "ly", "mo", "nu", "po", "ri", "su", "ta", "ve", "wi", "xo", "yu", "be",
]  # fmt: skip
_WORDS = [
    "alpha", "buffer", "cache", "delta", "engine", "frame", "graph", "handler", "index",
    "join", "kernel", "layer", "matrix", "node", "offset", "parser", "query", "record",
    "stream", "token", "unit", "vector", "window", "yield", "zone", "account", "batch",
    "column", "domain", "event", "field", "group", "header", "item", "key", "limit",
    "metric", "number", "order", "policy", "range", "schema", "table", "user", "value",
]  # fmt: skip


class _Source:
    """Deterministic, pseudo-random but plausible Python source."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - test data, not secrets

    def ident(self) -> str:
        rng = self.rng
        return rng.choice(_WORDS) + "_" + "".join(rng.choice(_SYLLABLES) for _ in range(2))

    def sentence(self) -> str:
        rng = self.rng
        words = [rng.choice(_WORDS) for _ in range(rng.randint(5, 14))]
        return (" ".join(words) + ".").capitalize()

    def function(self, indent: str = "") -> str:
        rng = self.rng
        name, a, b, acc = self.ident(), self.ident(), self.ident(), self.ident()
        lines = [
            f"def {name}({a}, {b}={rng.randint(1, 999)}):",
            f'    """{self.sentence()}',
            "",
            f"    {self.sentence()}",
            '    """',
            f"    {acc} = {a} * {rng.randint(2, 97)} + {b}",
        ]
        for _ in range(rng.randint(1, 4)):
            i = self.ident()
            lines += [
                f"    for {i} in range({rng.randint(3, 300)}):",
                f"        {acc} = ({acc} ^ {i}) % {rng.randint(1000, 99999)}",
                f"        if {acc} > {rng.randint(100, 9999)}:",
                f"            {acc} -= {b} * {rng.randint(1, 9)}",
            ]
        if rng.random() < 0.5:
            key = self.ident()
            items = ", ".join(
                f"{rng.choice(_WORDS)!r}: {rng.randint(0, 999)}" for _ in range(rng.randint(2, 6))
            )
            lines += [
                f"    {key} = {{{items}}}",
                f"    {acc} += sum({key}.values())",
            ]
        lines.append(f"    return {acc}")
        return "\n".join(indent + line if line else line for line in lines) + "\n"

    def klass(self) -> str:
        rng = self.rng
        name = "".join(part.capitalize() for part in self.ident().split("_"))
        attrs = [self.ident() for _ in range(rng.randint(2, 5))]
        lines = [
            f"class {name}:",
            f'    """{self.sentence()}"""',
            "",
            f"    __slots__ = ({', '.join(repr(a) for a in attrs)},)",
            "",
            f"    def __init__(self, {', '.join(attrs)}):",
            *(f"        self.{a} = {a}" for a in attrs),
            "",
            "    def __repr__(self):",
            f'        return f"{name}({", ".join("{self." + a + "!r}" for a in attrs)})"',
            "",
        ]
        text = "\n".join(lines) + "\n"
        for _ in range(rng.randint(1, 3)):
            method = self.function("    ").replace("(", "(self, ", 1)
            text += method + "\n"
        return text

    def table(self) -> str:
        rng = self.rng
        name = self.ident().upper()
        rows = [
            f"    ({rng.randint(0, 10**6)}, {rng.choice(_WORDS)!r}, {rng.random() * 1000:.3f}, "
            f"{self.ident()!r}),"
            for _ in range(rng.randint(20, 160))
        ]
        return f"{name} = (\n" + "\n".join(rows) + "\n)\n"

    def module(self, target_size: int, title: str) -> str:
        rng = self.rng
        parts = [f'"""{title}: {self.sentence()}"""\n', "import math\nimport os\n"]
        size = sum(map(len, parts))
        while size < target_size:
            pick = rng.random()
            part = self.function() if pick < 0.5 else self.klass() if pick < 0.75 else self.table()
            parts.append(part)
            size += len(part) + 2
        return "\n\n".join(parts)

    def data(self, target_size: int) -> str:
        rng = self.rng
        rows = []
        size = 0
        while size < target_size:
            row = {"id": rng.randint(0, 10**6), "name": self.ident(), "note": self.sentence()}
            text = json.dumps(row)
            rows.append(text)
            size += len(text) + 2
        return "[\n" + ",\n".join(rows) + "\n]\n"


def package_name(index: int) -> str:
    return f"bench-pkg-{index:03d}"


EXTRA_PACKAGE = "bench-extra"


def package_deps(index: int) -> list[int]:
    """About 40% of packages depend on 1-3 earlier ones (so no cycles, and the first
    N packages are closed under dependencies)."""
    rng = random.Random(f"deps-{index}")  # noqa: S311
    if index == 0 or rng.random() >= 0.4:
        return []
    return sorted(rng.sample(range(index), rng.randint(1, min(3, index))))


def package_files(name: str, version: str) -> dict[str, str]:
    """Several modules, a few hundred KB in all, some in nested packages, a data file."""
    src = _Source(f"files-{name}")  # the same modules for every version...
    top = dist_name(name)
    total = src.rng.randint(150_000, 450_000)
    modules = [
        "core",
        "models",
        "utils/__init__",
        "utils/text",
        "_impl/__init__",
        "_impl/engine",
        "_impl/codecs",
        "contrib/extras",
    ]
    chosen = modules[: src.rng.randint(4, len(modules))]
    files: dict[str, str] = {
        f"{top}/__init__.py": f'"""{name}."""\n\nfrom .version import __version__\n',
        f"{top}/data/records.json": src.data(total // 10),
    }
    share = (total - total // 10) // len(chosen)
    for module in chosen:
        files[f"{top}/{module}.py"] = src.module(int(share * src.rng.uniform(0.5, 1.5)), module)
    # ...but what a release changes: its version, and a bit of code.
    release = _Source(f"release-{name}-{version}")
    files[f"{top}/version.py"] = f'__version__ = "{version}"\n\n' + release.function()
    return files


def build_package(store: Path, index_or_name: int | str, version: str) -> Path:
    if isinstance(index_or_name, int):
        name = package_name(index_or_name)
        requires = [f"{package_name(d)}>=1.0" for d in package_deps(index_or_name)]
    else:
        name = index_or_name
        requires = [f"{package_name(0)}>=1.0", f"{package_name(1)}>=1.0"]
    path = store / f"{dist_name(name)}-{version}-py3-none-any.whl"
    if not path.is_file():
        os.replace(build_generated(store / ".tmp", name, version, requires), path)
    return path


def build_generated(tmp: Path, name: str, version: str, requires: Sequence[str]) -> Path:
    """A generated package (package_files) as a deflated wheel in `tmp`."""
    built = build_wheel(tmp, name, version, files=package_files(name, version), requires=requires)
    _deflate(built, tmp / "deflated.whl")
    os.replace(tmp / "deflated.whl", built)
    return built


def _deflate(src: Path, dst: Path) -> None:
    """support.wheels stores its members uncompressed (ZipInfo's default); real wheels
    are deflated. Same members, same order, same dates."""
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            info.compress_type = zipfile.ZIP_DEFLATED
            new.writestr(info, data)


def link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
