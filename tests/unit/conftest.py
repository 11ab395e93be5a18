"""Fixtures the unit tests of lockfiles/ and managers/lockfile/ share: the pinned
tools, a local index, and lockfiles the tools made (support/lock_tools.py)."""

from support.lock_tools import installed_tools, local_index, locked

__all__ = ["installed_tools", "local_index", "locked"]
