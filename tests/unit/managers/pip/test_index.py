"""The wiring of the index-page check into pip (managers/pip/index.py), without a
network."""

from __future__ import annotations

import json

import pytest

from python_buildpack.cache import FORMAT, Manifest
from python_buildpack.managers.pip import index as pip_index
from python_buildpack.managers.pip.index_pages import (
    PYPI,
    PageRecord,
    PageSet,
    source_key,
    sources_from_settings,
)
from python_buildpack.requirements import RequirementsGraph, parse_requirements_graph

LOG_500 = (
    "2026-12-01T23:08:15,601 Could not fetch URL http://user:****@127.0.0.1:42987/simple/alpha/:"
    " HTTPConnectionPool(host='127.0.0.1', port=42987): Max retries exceeded with url:"
    " /simple/alpha/ (Caused by ResponseError('too many 500 error responses')) - skipping\n"
)
LOG_REFUSED = (
    "2026-12-01T23:08:18,330 Could not fetch URL http://127.0.0.1:42987/simple/beta/:"
    " connection error: [Errno 111] Connection refused - skipping\n"
)
LOG_404 = (
    "2026-12-01T23:08:18,330 Could not fetch URL https://extra.example/simple/beta/: 404 Client"
    " Error: Not Found for url: https://extra.example/simple/beta/ - skipping\n"
)
LOG_401 = (
    "2026-12-01T23:08:18,330 Could not fetch URL https://extra.example/simple/gamma/: 401 Client"
    " Error: Unauthorized for url: https://extra.example/simple/gamma/ - skipping\n"
)


def graph_of(text: str) -> RequirementsGraph:
    files = {"requirements.txt": text}
    return parse_requirements_graph("requirements.txt", files.__getitem__, config_vars={})


def manifest(index_pages: dict[str, object] | None) -> Manifest:
    return Manifest(FORMAT, {}, (), {}, index_pages=index_pages)


def test_an_index_that_failed_pip_is_named_with_its_status_and_a_404_is_not_a_failure() -> None:
    found = pip_index.index_failures(LOG_500 + LOG_REFUSED + LOG_404 + LOG_401)
    assert found == [
        ("http://user:****@127.0.0.1:42987/simple/alpha/", "HTTP 500"),
        ("http://127.0.0.1:42987/simple/beta/", "the connection was refused"),
        ("https://extra.example/simple/gamma/", "HTTP 401 Unauthorized"),
    ]


def test_index_options_of_requirement_files_come_before_config_vars() -> None:
    graph = graph_of(
        "--index-url https://mirror.example/simple\n"
        "--extra-index-url https://extra.example/simple\nidna\n"
    )
    env = {"PIP_EXTRA_INDEX_URL": "https://other.example/simple", "PIP_INDEX_URL": "ignored"}
    indexes, links = pip_index.configured_locations(env, [graph])
    assert indexes == [
        "https://mirror.example/simple",
        "https://extra.example/simple",
        "https://other.example/simple",
    ]
    assert links == []
    assert pip_index.configured_locations({}, [graph_of("idna\n")]) == ([PYPI], [])
    assert pip_index.configured_locations({"PIP_NO_INDEX": "1"}, [graph_of("idna\n")])[0] == []


def test_the_benchmark_switch_is_a_config_var_read_as_off() -> None:
    assert pip_index.switched_off({"PYTHON_BUILDPACK_INDEX_CHECK": "off"})
    assert not pip_index.switched_off({"PYTHON_BUILDPACK_INDEX_CHECK": "on"})
    assert not pip_index.switched_off({})


def test_no_record_or_a_moving_reference_makes_the_build_ask_pip_and_says_why() -> None:
    sources = sources_from_settings([PYPI], [])
    record = PageSet(tuple(sources), (PageRecord(source_key(PYPI), "idna", "d"),)).to_json()
    none = pip_index.check(manifest(None), [PYPI], [], moving=(), trust_env={})
    assert none.status == "uncheckable"
    assert none.describe() == (
        "Cannot check the index pages: the cache has no record of the index pages pip read"
    )
    moving = pip_index.check(
        manifest(record), [PYPI], [], moving=["pkg @ git+https://host/repo@main"], trust_env={}
    )
    assert moving.status == "uncheckable"
    assert "the moving reference pkg @ git+https://host/repo@main" in moving.describe()
    broken = pip_index.check(manifest({"format": 99}), [PYPI], [], moving=(), trust_env={})
    assert broken.status == "uncheckable" and "unusable" in broken.describe()
    assert pip_index.explain(broken) == ["So pip is asked what a clean install would pick"]


def test_manifest_keeps_the_record_and_refuses_a_malformed_one() -> None:
    record = {"format": 1, "sources": [], "pages": [], "uncheckable": []}
    again = Manifest.from_json(manifest(record).to_json())
    assert again.index_pages == record
    malformed = json.loads(manifest(record).to_json())
    malformed["index_pages"] = [record]
    with pytest.raises(ValueError, match="index_pages"):
        Manifest.from_json(json.dumps(malformed))
    assert Manifest.from_json(manifest(None).to_json()).index_pages is None
