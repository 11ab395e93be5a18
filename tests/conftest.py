"""The order tests are handed out in: slow ones first.

pytest-xdist gives each worker the next test (or xdist_group) as it frees up, in
collection order: with the builds first, both workers end on short tests together,
not one waiting for the other's last long build. The order within each part, and
so each module's grouping around its module-scoped fixtures, is kept."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
