"""Where the suite's scratch space goes, and the order tests are handed out in.

pytest's temporary directories go to memory when there is room (support/filesystems.py
says why); --basetemp or PYTEST_DEBUG_TEMPROOT, when given, decide instead.

Slow tests first: pytest-xdist gives each worker the next test (or xdist_group) as it frees up, in
collection order: with the builds first, both workers end on short tests together,
not one waiting for the other's last long build. The order within each part, and
so each module's grouping around its module-scoped fixtures, is kept."""

from __future__ import annotations

import os

import pytest

from support.filesystems import memory_scratch


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER") or config.option.basetemp:
        return
    if "PYTEST_DEBUG_TEMPROOT" not in os.environ and (scratch := memory_scratch()):
        # Read by pytest when it first makes its base temp dir, after this hook;
        # the workers are given theirs under it.
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(scratch)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Under `--dist loadgroup` a grouped test's id ends in `@group`, which is how
    pytest-xdist sends the group to one worker. If a pytest or xdist upgrade stops
    that (pytest 9.2 did), every group's builds are made on both workers: say so
    instead of a suite twice as slow."""
    if not (os.environ.get("PYTEST_XDIST_WORKER") and session.config.getvalue("loadgroup")):
        return
    for item in session.items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            raise pytest.UsageError(
                f"--dist loadgroup does not group {item.nodeid}: pytest-xdist no longer "
                "understands this pytest's node ids (see requirements/dev.txt)"
            )
