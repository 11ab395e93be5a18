"""A cached build gives what a clean build of the same inputs gives.

Each test builds twice on one CACHE_DIR, changes one input between the builds, and
compares the second build with a clean build of the same inputs. The log must say
why the cache was updated or discarded, in terms of the user's own files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.buildpack import App, Result, distributions, site_packages
from support.cache_checks import (
    DISCARDING,
    RESTORING,
    UPDATING,
    assert_cache_whole,
    assert_equals_clean,
    assert_same_prefix,
    build_ok,
    reasons,
    report,
)
from support.served import serve_directory
from support.wheels import build_wheel

pytestmark = pytest.mark.slow


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def updated_because(app: App, cache: Path, build_dir: Path, result: Result) -> list[str]:
    """The reasons the log gives for updating the cached environment in place. The
    update, not a rebuild: bin/report says `updated` (an update that falls back to
    a rebuild says `discarded`), with the same reasons."""
    why = reasons(result.output, UPDATING)
    data = report(build_dir, cache, app.base_env)
    assert (data["cache_status"], data["cache_discard_reasons"]) == ("updated", why)
    assert DISCARDING not in result.output
    return why


def test_removed_nested_requirement_is_uninstalled(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "idna", "3.7")
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "alpha==1.0\nidna==3.7\n",
    })
    root_before = (app.source / "requirements.txt").read_bytes()
    first, _ = build_ok(app, cache)
    assert "idna" in distributions(first)

    app.write({"requirements/base.txt": "alpha==1.0\n"})
    assert (app.source / "requirements.txt").read_bytes() == root_before
    second, result = build_ok(app, cache)
    print(result.output)

    assert "idna" not in distributions(second)
    assert not (site_packages(second) / "idna").exists()
    assert updated_because(app, cache, second, result) == [
        "requirements/base.txt: idna==3.7 was removed"
    ]
    assert_equals_clean(app, second)


def test_renamed_package_providing_the_same_module_replaces_the_old_one(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "oldname", "1.0", files={
        "sharedmod/__init__.py": "WHO = 'old'\n",
        "sharedmod/old_only.py": "OLD = True\n",
    })
    build_wheel(wheelhouse, "newname", "1.0", files={
        "sharedmod/__init__.py": "WHO = 'new, and longer'\n",
        "sharedmod/new_only.py": "NEW = True\n",
    })
    app.write({
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "oldname==1.0\n",
    })
    build_ok(app, cache)

    app.write({"requirements/base.txt": "newname==1.0\n"})
    second, result = build_ok(app, cache)

    assert "oldname" not in distributions(second)
    assert distributions(second)["newname"] == "1.0"
    module = site_packages(second) / "sharedmod"
    assert (module / "__init__.py").read_text() == "WHO = 'new, and longer'\n"
    assert not (module / "old_only.py").exists()
    assert (module / "new_only.py").is_file()
    assert sorted(updated_because(app, cache, second, result)) == [
        "requirements/base.txt: newname==1.0 was added",
        "requirements/base.txt: oldname==1.0 was removed",
    ]
    assert_equals_clean(app, second)


def _template_wheel(dest: Path, page: str) -> Path:
    return build_wheel(dest, "templ", "1.0", files={
        "templ/__init__.py": "VERSION = '1.0'\n",
        "templ/templates/page.html": page,
    })


def test_url_reference_moved_to_a_new_file_installs_its_new_templates(
    app: App, tmp_path: Path, cache: Path
) -> None:
    served = tmp_path / "served"
    _template_wheel(served / "r1", "<p>first build of 1.0</p>\n")
    _template_wheel(served / "r2", "<p>second build of 1.0, with changed markup</p>\n")
    with serve_directory(served) as base:
        old = f"templ @ {base}/r1/templ-1.0-py3-none-any.whl"
        new = f"templ @ {base}/r2/templ-1.0-py3-none-any.whl"
        app.write({
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": f"{old}\n",
        })
        build_ok(app, cache)

        app.write({"requirements/base.txt": f"{new}\n"})
        second, result = build_ok(app, cache)

        page = site_packages(second) / "templ" / "templates" / "page.html"
        assert page.read_text() == "<p>second build of 1.0, with changed markup</p>\n"
        assert updated_because(app, cache, second, result) == [
            f"requirements/base.txt: templ changed from @ {base}/r1/templ-1.0-py3-none-any.whl"
            f" to @ {base}/r2/templ-1.0-py3-none-any.whl"
        ]
        assert_equals_clean(app, second)


def test_local_path_moved_to_a_new_file_installs_its_new_templates(
    app: App, cache: Path
) -> None:
    _template_wheel(app.source / "vendor" / "r1", "<p>first</p>\n")
    app.write({
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "templ @ file:vendor/r1/templ-1.0-py3-none-any.whl\n",
    })
    build_ok(app, cache)

    _template_wheel(app.source / "vendor" / "r2", "<p>second, changed</p>\n")
    app.write({"requirements/base.txt": "./vendor/r2/templ-1.0-py3-none-any.whl\n"})
    second, result = build_ok(app, cache)

    page = site_packages(second) / "templ" / "templates" / "page.html"
    assert page.read_text() == "<p>second, changed</p>\n"
    assert updated_because(app, cache, second, result) == [
        "requirements/base.txt: templ changed from @ file:vendor/r1/templ-1.0-py3-none-any.whl"
        " to ./vendor/r2/templ-1.0-py3-none-any.whl",
        "vendor/r1/templ-1.0-py3-none-any.whl: the local file or directory was removed",
        "vendor/r2/templ-1.0-py3-none-any.whl: the local file or directory was added",
    ]
    assert_equals_clean(app, second)


def test_changed_constraint_installs_what_it_now_allows(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0", requires=["beta"])
    build_wheel(wheelhouse, "beta", "1.0")
    build_wheel(wheelhouse, "beta", "2.0")
    app.write({
        "requirements.txt": "-c constraints.txt\nalpha==1.0\n",
        "constraints.txt": "beta<2\n",
    })
    first, _ = build_ok(app, cache)
    assert distributions(first)["beta"] == "1.0"

    app.write({"constraints.txt": "beta<3\n"})
    second, result = build_ok(app, cache)

    assert distributions(second)["beta"] == "2.0"
    assert updated_because(app, cache, second, result) == [
        "constraints.txt: beta changed from <2 to <3"
    ]
    assert_equals_clean(app, second)


def test_find_links_pointing_at_another_wheelhouse_reinstalls_its_build(
    app: App, wheelhouse: Path, tmp_path: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0", files={"alpha/__init__.py": "BUILD = 1\n"})
    app.write({"requirements.txt": "alpha==1.0\n"})
    build_ok(app, cache)

    other = tmp_path / "other-wheelhouse"
    build_wheel(other, "alpha", "1.0", files={"alpha/__init__.py": "BUILD = 'second'\n"})
    app.config["PIP_FIND_LINKS"] = str(other)
    second, result = build_ok(app, cache)

    assert (site_packages(second) / "alpha" / "__init__.py").read_text() == "BUILD = 'second'\n"
    why = updated_because(app, cache, second, result)
    assert "PIP_FIND_LINKS changed" in why
    # The value of a config var is never logged by the buildpack (pip itself
    # prints the links it looks in, and the files it processes).
    for reason in why:
        assert str(other) not in reason and str(wheelhouse) not in reason
    for line in result.output.splitlines():
        if str(other) in line:
            assert line.startswith(("       Looking in links: ", "       Processing ")), line
    assert_equals_clean(app, second)


def test_local_wheel_with_new_content_under_the_same_name_is_reinstalled(
    app: App, cache: Path
) -> None:
    wheels = app.source / "wheels"
    build_wheel(wheels, "pkg", "1.0", files={"pkg/__init__.py": "CONTENT = 'old'\n"})
    app.write({"requirements.txt": "./wheels/pkg-1.0-py3-none-any.whl\n"})
    build_ok(app, cache)

    build_wheel(wheels, "pkg", "1.0", files={"pkg/__init__.py": "CONTENT = 'new'\n"})
    second, result = build_ok(app, cache)

    assert (site_packages(second) / "pkg" / "__init__.py").read_text() == "CONTENT = 'new'\n"
    assert updated_because(app, cache, second, result) == [
        "wheels/pkg-1.0-py3-none-any.whl: the local file or directory changed"
    ]
    assert_equals_clean(app, second)


def _unpinned_warning(output: str) -> str:
    marked = [line for line in output.splitlines() if line.startswith(" !")]
    text = "\n".join(marked)
    assert " !     Warning: 1 requirement has no exact version." in marked, output
    return text


def test_unpinned_requirement_gets_the_newer_version_a_clean_build_gets(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "beta", "1.0")
    app.write({"requirements.txt": "beta>=1\n"})
    first, result = build_ok(app, cache)
    assert distributions(first)["beta"] == "1.0"
    assert "requirements.txt:1: beta>=1" in _unpinned_warning(result.output)

    build_wheel(wheelhouse, "beta", "2.0")
    second, result = build_ok(app, cache)

    assert distributions(second)["beta"] == "2.0"
    assert "requirements.txt:1: beta>=1" in _unpinned_warning(result.output)
    # The wheelhouse is a local directory: its listing is part of the fingerprint.
    assert updated_because(app, cache, second, result) == ["PIP_FIND_LINKS contents changed"]
    assert_equals_clean(app, second)


def test_unpinned_dependency_on_a_remote_find_links_page_is_rechecked(
    app: App, tmp_path: Path, cache: Path
) -> None:
    # The wheelhouse is a web page: nothing in the fingerprint changes when a new
    # version appears there, only asking pip what a clean install picks can tell.
    served = tmp_path / "served"
    build_wheel(served, "alpha", "1.0", requires=["beta"])
    build_wheel(served, "beta", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    with serve_directory(served) as base:
        app.config["PIP_FIND_LINKS"] = f"{base}/"
        first, _ = build_ok(app, cache)
        assert distributions(first)["beta"] == "1.0"

        build_wheel(served, "beta", "1.1")
        second, result = build_ok(app, cache)

        assert distributions(second)["beta"] == "1.1"
        assert updated_because(app, cache, second, result) == [
            "pip would now install beta 1.1 instead of 1.0"
        ]
        assert_equals_clean(app, second)


def test_unchanged_rebuild_reuses_the_cache_and_runs_no_installer(
    app: App, tmp_path: Path, cache: Path
) -> None:
    served = tmp_path / "served"
    build_wheel(served, "alpha", "1.0", requires=["beta==1.0"])
    build_wheel(served, "beta", "1.0")
    app.write({
        "requirements.txt": "-r requirements/base.txt\nbeta==1.0\n",
        "requirements/base.txt": "alpha==1.0\n",
    })
    with serve_directory(served) as base:
        app.config["PIP_FIND_LINKS"] = f"{base}/"
        # pip gives up on the stopped server at once instead of retrying for seconds.
        app.config["PIP_RETRIES"] = "0"
        first, _ = build_ok(app, cache)

    # The wheelhouse is gone (its server stopped, the same URL configured): any
    # installer run, even pip's dry run, would fail now.
    second, result = build_ok(app, cache)

    match = RESTORING.search(result.output)
    assert match is not None, result.output
    assert match.groups() == ("2", "2")
    assert "Installing Python" not in result.output
    assert "Running 'pip" not in result.output
    data = report(second, cache, app.base_env)
    assert data["cache_status"] == "reused"
    assert data["cache_discard_reasons"] == []
    assert data["commands"] == []
    assert_cache_whole(cache)
    _, broken = app.clean_build()
    assert broken.returncode == 1, str(broken)
    # The first build had an empty cache and the same inputs, wheelhouse served: it is
    # the clean build to compare with.
    assert_same_prefix(second, first)


def test_comment_and_whitespace_edits_of_a_nested_file_reuse_the_cache(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    build_wheel(wheelhouse, "idna", "3.7")
    app.write({
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "alpha==1.0\nidna==3.7\n",
    })
    build_ok(app, cache)

    app.write({
        "requirements/base.txt": "# Pinned for the app.\n\nalpha==1.0   # the framework\n"
        "\n   idna==3.7\t\n\n# end\n",
    })
    second, result = build_ok(app, cache)

    match = RESTORING.search(result.output)
    assert match is not None, result.output
    assert match.groups() == ("2", "2")
    data = report(second, cache, app.base_env)
    assert data["cache_status"] == "reused"
    assert data["commands"] == []
    assert_equals_clean(app, second)


def test_local_wheel_unchanged_reuses_the_cache(app: App, cache: Path) -> None:
    build_wheel(app.source / "wheels", "pkg", "1.0")
    app.write({"requirements.txt": "./wheels/pkg-1.0-py3-none-any.whl\n"})
    build_ok(app, cache)
    # A fresh checkout: same bytes, new mtimes.
    os.utime(app.source / "wheels" / "pkg-1.0-py3-none-any.whl")
    second, result = build_ok(app, cache)
    assert RESTORING.search(result.output), result.output
    assert report(second, cache, app.base_env)["cache_status"] == "reused"
    assert_equals_clean(app, second)


def test_wheel_rebuilt_in_an_app_wheelhouse_named_by_a_relative_find_links_var(
    app: App, cache: Path
) -> None:
    # PIP_FIND_LINKS=wheels: pip reads ./wheels from BUILD_DIR (its working dir).
    wheels = app.source / "wheels"
    build_wheel(wheels, "alpha", "1.0", files={"alpha/__init__.py": "BUILD = 1\n"})
    app.write({"requirements.txt": "alpha==1.0\n"})
    app.config["PIP_FIND_LINKS"] = "wheels"
    build_ok(app, cache)

    build_wheel(wheels, "alpha", "1.0", files={"alpha/__init__.py": "BUILD = 'second'\n"})
    second, result = build_ok(app, cache)

    assert (site_packages(second) / "alpha" / "__init__.py").read_text() == "BUILD = 'second'\n"
    assert updated_because(app, cache, second, result) == ["PIP_FIND_LINKS contents changed"]
    assert_equals_clean(app, second)


def test_config_var_used_in_a_nested_file_changed(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    build_wheel(wheelhouse, "alpha", "2.0")
    app.write({
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "alpha==${ALPHA_VERSION}\n",
    })
    app.config["ALPHA_VERSION"] = "1.0"
    build_ok(app, cache)

    app.config["ALPHA_VERSION"] = "2.0"
    second, result = build_ok(app, cache)

    assert distributions(second)["alpha"] == "2.0"
    why = updated_because(app, cache, second, result)
    assert "requirements/base.txt: alpha==${ALPHA_VERSION} changed (a config var it uses has a"\
        " new value)" in why
    assert all("2.0" not in reason for reason in why)
    assert_equals_clean(app, second)


def test_compile_after_test_compile_removes_the_test_requirements(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    build_wheel(wheelhouse, "testtool", "1.0")
    app.write({
        "requirements.txt": "alpha==1.0\n",
        "requirements-test.txt": "testtool==1.0\n",
    })
    tested, result = app.build(cache, command="test-compile")
    assert result.returncode == 0, str(result)
    assert "testtool" in distributions(tested)

    second, result = build_ok(app, cache)

    assert "testtool" not in distributions(second)
    assert updated_because(app, cache, second, result) == [
        "The requirements files installed changed to requirements.txt",
        "requirements-test.txt: testtool==1.0 was removed",
        "requirements-test.txt is no longer included",
    ]
    assert_equals_clean(app, second)


def test_dependency_now_listed_directly_gets_the_files_of_a_clean_build(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    # Same name, same version: only pip's REQUESTED marker differs.
    build_wheel(wheelhouse, "alpha", "1.0", requires=["beta==1.0"])
    build_wheel(wheelhouse, "beta", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    build_ok(app, cache)

    app.write({"requirements.txt": "alpha==1.0\nbeta==1.0\n"})
    second, result = build_ok(app, cache)

    assert updated_because(app, cache, second, result) == ["requirements.txt: beta==1.0 was added"]
    assert_equals_clean(app, second)


BACKEND = '''\
"""A build backend in the app itself: no build dependency to download."""
import base64, hashlib, pathlib, zipfile

def get_requires_for_build_wheel(config_settings=None):
    return []

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = "localpkg-1.0-py3-none-any.whl"
    info = "localpkg-1.0.dist-info"
    files = {p.as_posix(): p.read_bytes() for p in sorted(pathlib.Path("localpkg").rglob("*.py"))}
    files[info + "/METADATA"] = b"Metadata-Version: 2.1\\nName: localpkg\\nVersion: 1.0\\n"
    files[info + "/WHEEL"] = (
        b"Wheel-Version: 1.0\\nGenerator: app\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    )
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(info + "/RECORD,,")
    files[info + "/RECORD"] = ("\\n".join(record) + "\\n").encode()
    with zipfile.ZipFile(pathlib.Path(wheel_directory) / name, "w") as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0)), data)
    return name
'''


def test_local_directory_is_rechecked_every_build(app: App, cache: Path) -> None:
    app.write({
        "localpkg/pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\n'
        'backend-path = ["."]\n',
        "localpkg/backend.py": BACKEND,
        "localpkg/localpkg/__init__.py": "GREETING = 'hello'\n",
        "requirements.txt": "./localpkg\n",
    })
    build_ok(app, cache)
    # A fresh checkout: the same content with new mtimes is no change.
    os.utime(app.source / "localpkg" / "localpkg" / "__init__.py")
    unchanged, result = build_ok(app, cache)
    assert RESTORING.search(result.output), result.output
    assert report(unchanged, cache, app.base_env)["cache_status"] == "reused"

    app.write({"localpkg/localpkg/__init__.py": "GREETING = 'changed'\n"})
    second, result = build_ok(app, cache)

    module = site_packages(second) / "localpkg" / "__init__.py"
    assert module.read_text() == "GREETING = 'changed'\n"
    assert updated_because(app, cache, second, result) == [
        "localpkg: the local file or directory changed"
    ]
    assert_equals_clean(app, second)


def test_removed_package_with_data_files_leaves_nothing_outside_site_packages(
    app: App, wheelhouse: Path, cache: Path
) -> None:
    # A wheel's .data/data/ directory installs under the prefix itself (share/,
    # etc/). pip's uninstall removes each directory that holds recorded files
    # (templates/, static/), not their parent: share/datapkg/ stays, empty.
    build_wheel(wheelhouse, "alpha", "1.0")
    build_wheel(wheelhouse, "datapkg", "1.0", data={
        "share/datapkg/templates/page.html": "<p>data</p>\n",
        "share/datapkg/static/app.css": "p { color: red }\n",
    })
    app.write({
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "alpha==1.0\ndatapkg==1.0\n",
    })
    first, _ = build_ok(app, cache)
    prefix = first / ".heroku" / "python"
    assert (prefix / "share" / "datapkg" / "templates" / "page.html").is_file()

    app.write({"requirements/base.txt": "alpha==1.0\n"})
    second, result = build_ok(app, cache)

    assert updated_because(app, cache, second, result) == [
        "requirements/base.txt: datapkg==1.0 was removed"
    ]
    assert not (second / ".heroku" / "python" / "share" / "datapkg").exists()
    assert_equals_clean(app, second)
