"""An app with ranges and unpinned dependencies, on a package index (issue 10).

Before reusing the cache, the build asks the index again for every project page the
last resolution read: all unchanged, and the cache is reused with no pip process
(bin/report's `commands` proves it); a page changed (a release, a yank, a new file
of the same version), and pip's dry run decides, so the build equals a clean one;
the index failing never turns into a silent reuse. The index is
tests/support/index_server.py on 127.0.0.1 (http, or https with its own CA).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from python_buildpack.runtime.pool import POOL_SIZE
from support.buildpack import App, distributions
from support.built_apps import BuiltApp, build_once
from support.cache_checks import (
    RESTORING,
    assert_equals_clean,
    assert_same_prefix,
    build_ok,
    report,
)
from support.index_server import IndexServer, serve_index
from support.wheels import build_wheel

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("index-check")]

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
# requirements.txt: a range, an unpinned line, a pin; alpha and beta bring
# dependencies no file pins.
REQUIREMENTS = "alpha>=1.0,<2\nbeta\ngamma==1.0\n"
PAGES = 5  # alpha, beta, gamma, delta, epsilon


def _publish(directory: Path) -> None:
    build_wheel(directory, "alpha", "1.0", requires=["delta"])
    build_wheel(directory, "alpha", "1.1", requires=["delta"])
    build_wheel(directory, "beta", "1.0", requires=["epsilon>=1"])
    build_wheel(directory, "gamma", "1.0")
    build_wheel(directory, "delta", "1.0")
    build_wheel(directory, "epsilon", "1.0")


def _on_index(app: App, index: IndexServer) -> None:
    """The app installs from `index` (not the fixture's wheelhouse); pip and the page
    check give up on a failing page at once instead of retrying for seconds."""
    app.config.pop("PIP_NO_INDEX", None)
    app.config.pop("PIP_FIND_LINKS", None)
    app.config.update({"PIP_INDEX_URL": index.url, "PIP_RETRIES": "0"})
    app.base_env.update(NO_PROXY)
    app.write({"requirements.txt": REQUIREMENTS})


# Most tests start from one first build on one index: both made once for the module,
# on one pytest-xdist worker. Each test gets the index as it was for that build
# (`IndexServer.reset`, same URL), and a copy of the app and its CACHE_DIR
# (support/built_apps.py), which it changes as it likes.


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = tmp_path_factory.mktemp("index-published")
    _publish(files)
    return files


@pytest.fixture(scope="module")
def shared_index(
    tmp_path_factory: pytest.TempPathFactory, published: Path
) -> Iterator[IndexServer]:
    with serve_index(tmp_path_factory.mktemp("index-files")) as served:
        served.reset(published)
        yield served


@pytest.fixture
def index(shared_index: IndexServer, published: Path) -> IndexServer:
    shared_index.reset(published)
    return shared_index


@pytest.fixture(scope="module")
def first_on_index(
    tmp_path_factory: pytest.TempPathFactory,
    runtime_mirror: tuple[Path, str],
    shared_index: IndexServer,
    published: Path,
) -> BuiltApp:
    """The app's first build, with an empty cache, on the index as published."""
    shared_index.reset(published)
    built = build_once(
        tmp_path_factory.mktemp("index-app"),
        runtime_mirror,
        lambda app, _: _on_index(app, shared_index),
    )
    assert distributions(built.build_dir)["alpha"] == "1.1"
    return built


@pytest.fixture
def started(first_on_index: BuiltApp, index: IndexServer, tmp_path: Path) -> tuple[App, Path]:
    """(a copy of the first build's app, of its CACHE_DIR), the index as then."""
    return first_on_index.copy(tmp_path)


def _ran_pip(build_dir: Path, cache: Path, app: App) -> bool:
    return any(" pip " in f" {c} " for c in report(build_dir, cache, app.base_env)["commands"])


def _first_build(app: App, index: IndexServer, cache: Path) -> Path:
    _on_index(app, index)
    first, _ = build_ok(app, cache)
    assert distributions(first)["alpha"] == "1.1"
    return first


def test_unchanged_rebuild_of_an_unpinned_app_starts_no_pip_process(
    app: App, index: IndexServer, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = _first_build(app, index, cache)

    second, result = build_ok(app, cache)

    assert f"-----> Checked {PAGES} project pages on 1 index: unchanged (" in result.output
    assert RESTORING.search(result.output), result.output
    assert not _ran_pip(second, cache, app), report(second, cache, app.base_env)["commands"]
    assert report(second, cache, app.base_env)["cache_status"] == "reused"
    # The warning: counts and examples, the direct lines not repeated as dependencies.
    assert "2 requirements have no exact version and 2 dependencies are pinned" in result.output
    assert "- dependencies: delta, epsilon\n" in result.output
    # The first build had an empty cache, the same inputs and the same index: it is
    # the clean build to compare with.
    assert_same_prefix(second, first)


def test_unchanged_rebuild_checks_every_page_over_a_few_kept_alive_connections(
    app: App, tmp_path: Path
) -> None:
    files = tmp_path / "index-files"
    files.mkdir()
    deps = [f"dep-{n:02d}" for n in range(3 * POOL_SIZE)]
    build_wheel(files, "top", "1.0", requires=deps)
    for dep in deps:
        build_wheel(files, dep, "1.0")
    cache = tmp_path / "cache"
    with serve_index(files) as index:
        _on_index(app, index)
        app.write({"requirements.txt": "top\n"})
        build_ok(app, cache)
        index.connections = 0
        index.requests.clear()

        second, result = build_ok(app, cache)

    pages = len(deps) + 1
    assert f"-----> Checked {pages} project pages on 1 index: unchanged (" in result.output
    assert not _ran_pip(second, cache, app)
    assert sum(index.requests.values()) == pages
    assert 1 <= index.connections <= POOL_SIZE  # not one per page


def test_benchmark_switch_asks_pip_and_keeps_the_cache(
    started: tuple[App, Path], index: IndexServer, tmp_path: Path
) -> None:
    app, cache = started
    app.config["PYTHON_BUILDPACK_INDEX_CHECK"] = "off"

    second, result = build_ok(app, cache)

    assert "-----> Index-page check switched off (PYTHON_BUILDPACK_INDEX_CHECK=off)" in (
        result.output
    )
    assert _ran_pip(second, cache, app) and RESTORING.search(result.output), result.output
    assert report(second, cache, app.base_env)["cache_status"] == "reused"


def _rebuild_after(app: App, cache: Path, changed: str) -> Path:
    build_dir, result = build_ok(app, cache)
    assert f"the page of {changed} changed" in result.output, result.output
    assert "--dry-run --ignore-installed" in result.output
    assert report(build_dir, cache, app.base_env)["cache_status"] == "updated"
    assert_equals_clean(app, build_dir)
    return build_dir


def test_new_release_of_a_dependency_is_installed_by_the_next_build(
    started: tuple[App, Path], index: IndexServer, tmp_path: Path
) -> None:
    app, cache = started
    index.add(build_wheel(tmp_path / "new", "delta", "1.1"))

    second = _rebuild_after(app, cache, "delta")

    assert distributions(second)["delta"] == "1.1"
    # The record was saved with the update: the next build checks and reuses.
    third, result = build_ok(app, cache)
    assert "unchanged" in result.output and not _ran_pip(third, cache, app)


def test_release_outside_the_range_reuses_the_cache_and_remembers_the_new_page(
    started: tuple[App, Path], index: IndexServer, tmp_path: Path
) -> None:
    app, cache = started
    index.add(build_wheel(tmp_path / "new", "alpha", "2.0", requires=["delta"]))

    second, result = build_ok(app, cache)

    assert "the page of alpha changed" in result.output
    assert "--dry-run --ignore-installed" in result.output and RESTORING.search(result.output)
    assert distributions(second)["alpha"] == "1.1"
    # pip agreed; the page as it is now is kept: the next build needs no pip.
    third, result = build_ok(app, cache)
    assert ": unchanged (" in result.output and not _ran_pip(third, cache, app)
    assert_equals_clean(app, third)


def test_yanked_release_is_replaced_by_the_next_build(
    started: tuple[App, Path], index: IndexServer, tmp_path: Path
) -> None:
    app, cache = started
    index.yank("alpha-1.1-py3-none-any.whl", "broken")

    second = _rebuild_after(app, cache, "alpha")

    assert distributions(second)["alpha"] == "1.0"


def test_new_file_of_the_same_version_is_installed_by_the_next_build(
    started: tuple[App, Path], index: IndexServer, tmp_path: Path
) -> None:
    app, cache = started
    # A wheel for this Python exactly: pip prefers it to the py3 one of the same version.
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    index.add(
        build_wheel(
            tmp_path / "new", "delta", "1.0",
            files={"delta/__init__.py": "REBUILT = True\n"},
            filename=f"delta-1.0-{tag}-none-any.whl",
        )
    )  # fmt: skip

    second = _rebuild_after(app, cache, "delta")

    module = next((second / ".heroku" / "python").glob("lib/python3*/site-packages/delta"))
    assert (module / "__init__.py").read_text() == "REBUILT = True\n"


def test_changed_index_url_gives_what_a_clean_build_gives(
    started: tuple[App, Path], index: IndexServer, tmp_path: Path
) -> None:
    app, cache = started
    other_files = tmp_path / "other-files"
    _publish(other_files)
    build_wheel(other_files, "epsilon", "2.0")

    with serve_index(other_files) as other:
        app.config["PIP_INDEX_URL"] = other.url
        second, result = build_ok(app, cache)
        assert "PIP_INDEX_URL" in result.output
        assert distributions(second)["epsilon"] == "2.0"
        assert_equals_clean(app, second)


def test_index_without_validators_still_gives_exact_results(app: App, tmp_path: Path) -> None:
    files = tmp_path / "index-files"
    files.mkdir()
    _publish(files)
    cache = tmp_path / "cache"
    with serve_index(files, validators="none") as index:
        _first_build(app, index, cache)
        second, result = build_ok(app, cache)
        assert "unchanged" in result.output and not _ran_pip(second, cache, app)

        index.add(build_wheel(tmp_path / "new", "epsilon", "1.5"))
        third = _rebuild_after(app, cache, "epsilon")
        assert distributions(third)["epsilon"] == "1.5"


@pytest.mark.parametrize("failure", ["500", "connection refused"])
def test_failing_index_falls_back_to_pip_and_never_reuses_silently(
    started: tuple[App, Path], index: IndexServer, tmp_path: Path, failure: str
) -> None:
    app, cache = started
    if failure == "500":
        index.fail_with = 500
        words = "HTTP 500"
    else:
        index.refuse_connections()
        words = "the connection was refused"

    second, result = app.build(cache)

    assert result.returncode == 1, str(result)
    assert "Restoring cache" not in result.output
    assert f"-----> Could not check {PAGES} project pages on 1 index: http://127.0.0.1:" in (
        result.output
    )
    assert "--dry-run --ignore-installed" in result.output
    assert " !     Error: The package index failed." in result.output
    assert words in result.output and "Traceback" not in result.output
    data = report(second, cache, app.base_env)
    assert data["cache_status"] == "kept" and data["failure_reason"] == "package_index"

    # The cache survived: once the index answers, the next build reuses it.
    index.fail_with = None
    if failure != "500":
        index.accept_connections()
    third, result = build_ok(app, cache)
    assert "unchanged" in result.output and not _ran_pip(third, cache, app)


def test_release_inside_the_pages_max_age_is_seen_over_https(app: App, tmp_path: Path) -> None:
    files = tmp_path / "index-files"
    files.mkdir()
    _publish(files)
    cache = tmp_path / "cache"
    # pip keeps https pages in its HTTP cache (in CACHE_DIR) for max-age; this
    # machine's CA bundle variables would override PIP_CERT inside pip.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        app.base_env.pop(name, None)
    with serve_index(files, max_age=600, https=True) as index:
        assert index.cert_file is not None
        app.config["PIP_CERT"] = str(index.cert_file)
        _first_build(app, index, cache)
        second, result = build_ok(app, cache)
        assert "unchanged" in result.output and not _ran_pip(second, cache, app)

        index.add(build_wheel(tmp_path / "new", "delta", "1.1"))
        third = _rebuild_after(app, cache, "delta")
        assert distributions(third)["delta"] == "1.1"


@pytest.mark.network
def test_unchanged_rebuild_from_pypi_starts_no_pip_process(app: App, tmp_path: Path) -> None:
    """The same kind of app over the real index: a range, an unpinned line, and
    their dependencies (requests brings charset-normalizer, idna, urllib3, certifi)."""
    app.config.pop("PIP_NO_INDEX", None)
    app.config.pop("PIP_FIND_LINKS", None)
    app.write({"requirements.txt": "idna>=3,<4\nrequests\n"})
    cache = tmp_path / "cache"
    build_ok(app, cache)

    second, result = build_ok(app, cache)

    assert "project pages on 1 index: " in result.output, result.output
    if ": unchanged (" in result.output:
        assert RESTORING.search(result.output), result.output
        assert not _ran_pip(second, cache, app)
    else:  # a release on PyPI between the two builds: then pip must have been asked
        assert "--dry-run --ignore-installed" in result.output
    assert_equals_clean(app, second)
