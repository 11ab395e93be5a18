"""Which compiled files Python would ignore at run time and compile again.

A timestamp-based `.pyc` (PEP 552, flags 0) records its source's mtime (seconds,
32 bits) and size; when either no longer matches the source, the interpreter
ignores it and compiles the source again on every start of a read-only dyno.
"""

from __future__ import annotations

import importlib.util
import os
import struct
from pathlib import Path


def stale_bytecode(root: Path) -> list[str]:
    """Every timestamp-based .pyc below root whose source's mtime or size differ
    from its header (relative paths, sorted)."""
    stale = []
    for dirpath, _dirnames, filenames in os.walk(root):
        if os.path.basename(dirpath) != "__pycache__":
            continue
        for name in filenames:
            if not name.endswith(".pyc"):
                continue
            pyc = os.path.join(dirpath, name)
            try:
                source = importlib.util.source_from_cache(pyc)
            except ValueError:
                continue
            if not os.path.exists(source):
                continue
            with open(pyc, "rb") as handle:
                header = handle.read(16)
            flags, mtime, size = struct.unpack("<4xIII", header)
            if flags != 0:
                continue  # hash-based: not tied to the source's mtime
            st = os.stat(source)
            if (mtime, size) != (int(st.st_mtime) & 0xFFFFFFFF, st.st_size & 0xFFFFFFFF):
                stale.append(os.path.relpath(pyc, root))
    return sorted(stale)
