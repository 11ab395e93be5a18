"""Which cached files need not be read again: identities.json and the origin file.

    CACHE_DIR/python/
      identities.json   where env/'s files stood when last read (tree.Identities)
      origin            an empty file, made once and never written

tree.py says what an identity vouches for. This module keeps them, and says whether
they were taken in this very CACHE_DIR: the origin file keeps its inode and ctime
until CACHE_DIR is restored from an archive or copied, and identities taken before
that vouch for nothing (a tree extracted after `rm` may reuse the inode numbers the
old one freed, with the same sizes and whole-second mtimes). Losing or damaging
either file costs one read of every file, never a wrong reuse.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from pathlib import Path

from . import tree
from .files import remove_tree, write_atomically

# What the restore check reads: the files whose identity changed since they were
# last read (the default), or every file's content, every build.
CACHE_VERIFY = "PYTHON_BUILD_CACHE_VERIFY"
CACHE_VERIFY_VALUES = ("metadata", "content")


def verify_content(config_vars: Mapping[str, str]) -> bool:
    """PYTHON_BUILD_CACHE_VERIFY=content: read every cached file before reuse."""
    return config_vars.get(CACHE_VERIFY, "").strip().lower() == "content"


class IdentityRecord:
    def __init__(self, root: Path) -> None:
        self.path = root / "identities.json"
        self.origin_path = root / "origin"

    def _origin(self) -> list[int]:
        if not self.origin_path.exists():
            self.origin_path.write_bytes(b"")
        st = self.origin_path.stat()
        return [st.st_ino, st.st_ctime_ns]

    def vouched(self, record: object) -> tree.Identities:
        """The identities in a record made by `record`, if they were taken in this
        very CACHE_DIR; none otherwise (then every file is read once)."""
        try:
            here = self._origin()
        except OSError:
            return {}
        if isinstance(record, dict) and record.get("origin") == here:
            files = record.get("files")
            if isinstance(files, dict):
                return files
        return {}

    def record(self, identities: tree.Identities) -> dict[str, object]:
        return {"origin": self._origin(), "files": identities}

    def read(self) -> tree.Identities:
        """The environment's identities (identities.json)."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return self.vouched(record)

    def keep(self, found: tree.Identities, known: tree.Identities) -> None:
        """Save the environment's identities when they changed. A failure to write
        them is no error: it costs the next build a read of the environment."""
        if found != known:
            with contextlib.suppress(OSError):
                text = json.dumps(self.record(found))
                write_atomically(self.path, text, durable=False)

    def remove(self) -> None:
        remove_tree(self.path)

    def forget_origin(self) -> None:
        remove_tree(self.origin_path)


def describe_files_read(read: int, total: int, *, content: bool) -> str:
    """The log's word on the files a restore read, when it read any."""
    if content:
        return f"Checked all {read} cached files by content ({CACHE_VERIFY}=content)"
    if read == total:
        return (
            f"Checked all {read} cached files by content: CACHE_DIR was restored from an"
            " archive or copied since the last build"
        )
    return f"Checked {read} of {total} cached files by content: touched since the last build"
