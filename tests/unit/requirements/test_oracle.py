"""Oracle: pip's own parser reads generated requirement files as we do."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import random
import re
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from python_buildpack.errors import (
    BuildpackError,
)
from python_buildpack.requirements import (
    RequirementsGraph,
    load_requirements_graph,
)

# --- oracle: pip's own parser -------------------------------------------------------

ORACLE_CASES = 1000
# The cases run in chunks, one test each, so that pytest-xdist's workers share them.
ORACLE_CHUNKS = 4
ORACLE_ENV = {
    "BP_ORACLE_VERSION": "1.2.3",
    "BP_ORACLE_NAME": "Attrs",
    "BP_ORACLE_TOKEN": "tok3n",
    "BP_ORACLE_EMPTY": "",
}
NAMES = [
    "requests",
    "Django",
    "zope.interface",
    "typing_extensions",
    "Flask-SQLAlchemy",
    "a",
    "x_y.Z",
]
SPECS = [
    "",
    "==1.0",
    "==2.31.0",
    ">=1.2",
    ">=1.2,<2",
    "~=1.4.2",
    "!=1.5",
    "==1.*",
    "===1.0",
    "<3 , >1",
]
EXTRAS = ["", "[security]", "[a,b]", "[B , a]"]
MARKERS = [
    "",
    "; python_version >= '3.8'",
    ";sys_platform=='linux'",
    " ; python_version<\"3.12\" and os_name == 'posix'",
    "; (implementation_name=='cpython' or platform_machine=='x86_64')",
]
OPTIONS = [
    "--index-url https://pypi.example/simple",
    "-i https://${BP_ORACLE_TOKEN}@pypi.example/simple",
    "--extra-index-url=https://extra.example/simple",
    "--pre",
    "--prefer-binary",
    "--no-binary :all:",
    "--only-binary=numpy",
    "--trusted-host extra.example",
    "-f ./wheels",
    "--find-links=https://example.com/links",
    "--no-index",
]
INVALID = [
    "broken==",
    "bar>=1[x]",
    "baz==1 --hash=md5:abc",
    "--frobnicate",
    "-e https://example.com/x.tar.gz",
    "-e git+https://example.com/x",
    "qux @",
    "-r",
    "foo=1",
    "foo --hash=sha256",
    "https://example.com/bad.whl",
]


@dataclass
class OracleApp:
    files: dict[str, list[str]] = field(default_factory=dict)
    invalid: bool = False


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _named_line(rng: random.Random, constraint: bool) -> str:
    name = rng.choice([*NAMES, "${BP_ORACLE_NAME}"])
    spec = rng.choice([*SPECS, "==${BP_ORACLE_VERSION}"])
    extras = "" if constraint else rng.choice(EXTRAS)
    line = name + extras + (" " if rng.random() < 0.2 else "") + spec + rng.choice(MARKERS)
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        line += f" --hash=sha256:{_hex(rng, 64)}"
    return line


def _other_line(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    ref = rng.choice([_hex(rng, 40), "v1.0", "main"])
    marker = rng.choice(["", " ; python_version >= '3.8'"])
    return rng.choice(
        [
            f"{name} @ https://example.com/pkgs/{name}-1.0.tar.gz{marker}",
            f"{name} @ https://example.com/pkgs/{name}-1.0.tar.gz#sha256={_hex(rng, 64)}",
            "https://example.com/${BP_ORACLE_EMPTY}/p/foo-1.0.tar.gz",
            "https://example.com/${BP_ORACLE_UNSET}/p/foo-1.0.tar.gz",
            "https://example.com/dist/foo_bar-1.0-py3-none-any.whl" + marker,
            f"git+https://github.com/org/{name}.git@{ref}#egg={name}",
            f"{name} @ git+https://github.com/org/{name}.git@{ref}{marker}",
            f"-e git+https://github.com/org/{name}.git@{ref}#egg={name}",
            "./pkgs/alpha",
            "./pkgs/alpha[extra]",
            "-e ./pkgs/beta",
            "-e pkgs/beta[x,y]",
            "file:./pkgs/alpha",
            "./dist/foo_bar-1.0-py3-none-any.whl",
            "dist/lib-2.0.tar.gz",
            f"{name}==1.0 --config-settings key=value",
        ]
    )


def _decorate(rng: random.Random, line: str) -> list[str]:
    """The same logical line, written with comments and continuations."""
    if rng.random() < 0.3 and " " in line:
        words = line.split(" ")
        cut = rng.randrange(1, len(words))
        line = " ".join(words[:cut]) + " \\\n    " + " ".join(words[cut:])
    if rng.random() < 0.2:
        line += "   # a comment"
    out = [line]
    if rng.random() < 0.15:
        out.insert(0, rng.choice(["", "# comment \\", "   ", "#" + _hex(rng, 8)]))
    return out


REQUIREMENT_FILES = (
    "requirements.txt",
    "requirements/base.txt",
    "requirements/dev/extra.txt",
    "constraints.txt",
)


def make_oracle_app(rng: random.Random) -> OracleApp:
    paths = list(REQUIREMENT_FILES[: rng.randint(1, len(REQUIREMENT_FILES))])
    constraint_safe = {p: p == "constraints.txt" or rng.random() < 0.4 for p in paths}
    app = OracleApp()
    for index, path in enumerate(paths):
        lines: list[str] = []
        for _ in range(rng.randint(0, 7)):
            roll = rng.random()
            if roll < 0.5 or constraint_safe[path]:
                line = _named_line(rng, constraint=constraint_safe[path])
            elif roll < 0.8:
                line = _other_line(rng)
            else:
                line = rng.choice(OPTIONS)
            if constraint_safe[path] and rng.random() < 0.15:
                line = rng.choice(OPTIONS)
            lines += _decorate(rng, line)
        for target in paths[index + 1 :]:
            if rng.random() < 0.6:
                flag = "-c" if constraint_safe[target] and rng.random() < 0.6 else "-r"
                flag = rng.choice([flag, {"-c": "--constraint", "-r": "--requirement"}[flag]])
                relative = posixpath.relpath(target, posixpath.dirname(path) or ".")
                lines.insert(rng.randint(0, len(lines)), f"{flag} {relative}")
        app.files[path] = lines
    if rng.random() < 0.08:
        path = rng.choice(paths)
        app.files[path].insert(rng.randint(0, len(app.files[path])), rng.choice(INVALID))
        app.invalid = True
    return app


Key = tuple[str | None, str, str | None, tuple[str, ...], str | None, bool, bool]


def our_view(graph: RequirementsGraph) -> set[Key]:
    return {
        (
            r.name,
            r.specifier,
            r.marker,
            r.extras,
            f"local:{r.local_path.path}" if r.local_path else r.url,
            r.kind == "constraint",
            r.editable,
        )
        for r in graph.requirements
    }


@dataclass(frozen=True)
class Pip:
    """pip's own requirements file parser, from the pip the buildpack installs."""

    session: Any
    parse_requirements: Any
    install_req_from_parsed_requirement: Any


ROOT = Path(__file__).resolve().parents[3]  # tests/unit/requirements/ -> the checkout
PIP_PIN = re.compile(r"^pip==(\S+) --hash=sha256:([0-9a-f]{64})$", re.MULTILINE)


def pinned_pip_wheel() -> Path:
    """The wheel of requirements/pip.txt's pin, as vendor/ keeps it, checked by hash."""
    found = PIP_PIN.search((ROOT / "requirements" / "pip.txt").read_text(encoding="utf-8"))
    assert found, "no pip==X --hash=sha256:... line in requirements/pip.txt"
    version, digest = found.groups()
    wheel = ROOT / "vendor" / "wheels" / f"pip-{version}-py3-none-any.whl"
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == digest, f"{wheel} is not the pin"
    return wheel


def pip_view(pip: Pip, cwd: Path) -> set[Key]:
    view: set[Key] = set()
    for parsed in pip.parse_requirements("requirements.txt", session=pip.session):
        ireq = pip.install_req_from_parsed_requirement(parsed)
        link = ireq.link
        if link is None:
            url = None
        elif link.scheme == "file":
            url = "local:" + os.path.relpath(os.path.abspath(link.file_path), cwd)
        else:
            url = link.url
        view.add(
            (
                canonicalize_name(ireq.req.name) if ireq.req else None,
                str(SpecifierSet(str(ireq.req.specifier))) if ireq.req else "",
                str(Marker(str(ireq.markers))) if ireq.markers else None,
                tuple(sorted(canonicalize_name(e) for e in ireq.extras)),
                url,
                bool(ireq.constraint),
                bool(ireq.editable),
            )
        )
    return view


@pytest.fixture(scope="module")
def pip() -> Iterator[Pip]:
    """pip's parser from the pinned wheel (not the pip of the test environment, which
    may be another version), imported from the wheel itself in place of any pip this
    process has loaded."""
    wheel = str(pinned_pip_wheel())
    loaded = {name: sys.modules.pop(name) for name in list(sys.modules) if _is_pip(name)}
    sys.path.insert(0, wheel)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import pip as pinned
            from pip._internal.network.session import PipSession
            from pip._internal.req.constructors import install_req_from_parsed_requirement
            from pip._internal.req.req_file import parse_requirements

            assert pinned.__file__ is not None and pinned.__file__.startswith(wheel)
            assert Path(wheel).name.startswith(f"pip-{pinned.__version__}-"), pinned.__version__
            session = PipSession()
        yield Pip(session, parse_requirements, install_req_from_parsed_requirement)
        session.close()
    finally:
        sys.path.remove(wheel)
        for name in [name for name in sys.modules if _is_pip(name)]:
            del sys.modules[name]
        sys.modules.update(loaded)


def _is_pip(module: str) -> bool:
    return module == "pip" or module.startswith("pip.")


@pytest.mark.parametrize("chunk", range(ORACLE_CHUNKS))
def test_oracle_pip_reads_generated_requirement_files_as_we_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pip: Pip, chunk: int
) -> None:
    for name, value in ORACLE_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BP_ORACLE_UNSET", raising=False)
    size = ORACLE_CASES // ORACLE_CHUNKS
    cases = range(chunk * size, (chunk + 1) * size)
    # One app dir: the same packages and archives, the requirement files of each case.
    app_dir = tmp_path / "app"
    for directory in ("pkgs/alpha", "pkgs/beta", "dist", "wheels", "requirements/dev"):
        (app_dir / directory).mkdir(parents=True, exist_ok=True)
    (app_dir / "pkgs/alpha/pyproject.toml").write_text("")
    (app_dir / "pkgs/beta/setup.py").write_text("")
    (app_dir / "dist/foo_bar-1.0-py3-none-any.whl").write_text("")
    (app_dir / "dist/lib-2.0.tar.gz").write_text("")
    monkeypatch.chdir(app_dir)
    rng = random.Random(20240611)
    compared = refused = 0
    for case in range(cases.stop):
        app = make_oracle_app(rng)  # the cases before this chunk's too: the same sequence
        if case not in cases:
            continue
        for path in REQUIREMENT_FILES:
            (app_dir / path).unlink(missing_ok=True)
        for path, lines in app.files.items():
            (app_dir / path).write_text("\n".join(lines) + "\n")
        context = f"case {case}: " + json.dumps(app.files, indent=1)

        pip_error: Exception | None = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                expected = pip_view(pip, app_dir)
            except Exception as error:  # pip's errors have no common base we can name
                pip_error = error
        try:
            graph = load_requirements_graph(app_dir, config_vars=ORACLE_ENV)
        except BuildpackError as error:
            assert pip_error is not None, f"{context}\nwe refused, pip did not: {error}"
            refused += 1
            continue
        assert pip_error is None, f"{context}\npip refused, we did not: {pip_error}"
        assert our_view(graph) == expected, context
        compared += 1
    assert compared > size * 0.8
    assert refused > 0
