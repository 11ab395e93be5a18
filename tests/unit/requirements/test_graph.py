"""The requirements graph: includes, cycles, missing and escaping files, `${VAR}`, files on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack.errors import (
    InvalidRequirementsLine,
    RequirementsFileNotText,
    RequirementsFileUnreadable,
    RequirementsIncludeCycle,
    RequirementsIncludeMissing,
    RequirementsLocalPathMissing,
    RequirementsOutsidePathMissing,
    RequirementsPathOutsideApp,
    RequirementsRemoteInclude,
)
from python_buildpack.requirements import (
    LocalPath,
    Provenance,
    RequirementEntry,
    load_requirements_graph,
)
from support.requirements_apps import HASH_A, error_of, graph_of, only

# --- the graph ------------------------------------------------------------------


def test_nested_requirement_files_are_followed_with_file_and_line() -> None:
    graph = graph_of(
        {
            "requirements.txt": "# app\n-r requirements/base.txt\ngunicorn==22.0.0\n",
            "requirements/base.txt": "Django==5.0.6\n\n-r common/extra.txt\n",
            "requirements/common/extra.txt": "idna==3.7\n",
        }
    )
    assert [(r.name, str(r.provenance)) for r in graph.requirements] == [
        ("django", "requirements/base.txt:1"),
        ("idna", "requirements/common/extra.txt:1"),
        ("gunicorn", "requirements.txt:3"),
    ]
    assert [f.path for f in graph.files] == [
        "requirements.txt",
        "requirements/base.txt",
        "requirements/common/extra.txt",
    ]
    assert graph.files[2].included_from == Provenance("requirements/base.txt", 3)
    assert [(i.kind, i.path, i.display) for i in graph.includes] == [
        ("requirement", "requirements/base.txt", "-r requirements/base.txt"),
        ("requirement", "requirements/common/extra.txt", "-r common/extra.txt"),
    ]


def test_constraints_file_gives_constraints_and_its_own_r_lines_give_requirements() -> None:
    # As in pip: `-r` inside a constraints file includes requirements, not constraints.
    graph = graph_of(
        {
            "requirements.txt": "--constraint constraints.txt\nrequests\n",
            "constraints.txt": "urllib3==2.2.1\n-r extra.txt\n-c more/pins.txt\n",
            "extra.txt": "certifi\n",
            "more/pins.txt": "idna==3.7\n",
        }
    )
    assert [(r.kind, r.name) for r in graph.requirements] == [
        ("constraint", "urllib3"),
        ("requirement", "certifi"),
        ("constraint", "idna"),
        ("requirement", "requests"),
    ]


def test_diamond_include_is_allowed_and_the_shared_file_is_read_once() -> None:
    graph = graph_of(
        {
            "requirements.txt": "-r a.txt\n-r b.txt\n",
            "a.txt": "-r shared/d.txt\na==1\n",
            "b.txt": "-r shared/d.txt\nb==1\n",
            "shared/d.txt": "d==1\n",
        }
    )
    assert [r.name for r in graph.requirements] == ["d", "a", "b"]
    assert [f.path for f in graph.files] == ["requirements.txt", "a.txt", "shared/d.txt", "b.txt"]


def test_file_included_both_as_requirements_and_as_constraints_counts_both_ways() -> None:
    graph = graph_of(
        {"requirements.txt": "-r pins.txt\n-c pins.txt\n", "pins.txt": "six==1.16.0\n"}
    )
    assert [(r.kind, r.name) for r in graph.requirements] == [
        ("requirement", "six"),
        ("constraint", "six"),
    ]
    assert [f.path for f in graph.files] == ["requirements.txt", "pins.txt"]


def test_include_cycle_is_refused_with_the_line_and_the_chain() -> None:
    error = error_of(
        {
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": "django\nidna\n-r loop.txt\n",
            "requirements/loop.txt": "-r base.txt\n",
        }
    )
    assert isinstance(error, RequirementsIncludeCycle)
    assert error.failure_reason == "requirements_include_cycle"
    assert (error.file, error.line) == ("requirements/loop.txt", 1)
    assert (
        "requirements/loop.txt:1: -r base.txt: include cycle requirements.txt -> "
        "requirements/base.txt -> requirements/loop.txt -> requirements/base.txt"
    ) in str(error)


def test_requirements_file_including_itself_is_a_cycle() -> None:
    error = error_of({"requirements.txt": "flask\n-c ./requirements.txt\n"})
    assert isinstance(error, RequirementsIncludeCycle)
    assert "requirements.txt:2: -c ./requirements.txt: include cycle requirements.txt -> " in str(
        error
    )


def test_missing_included_file_names_the_including_file_and_line() -> None:
    error = error_of(
        {
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": "\n-r dev.txt\n",
        }
    )
    assert isinstance(error, RequirementsIncludeMissing)
    assert (error.file, error.line, error.text, error.target) == (
        "requirements/base.txt",
        2,
        "-r dev.txt",
        "requirements/dev.txt",
    )
    assert "requirements/base.txt:2: -r dev.txt" in str(error)


def test_missing_requirements_txt_is_reported() -> None:
    with pytest.raises(RequirementsFileUnreadable, match="does not exist"):
        graph_of({})


@pytest.mark.parametrize(
    "line",
    [
        "-r https://example.com/requirements.txt",
        "-c http://example.com/constraints.txt",
        "--requirement=HTTPS://example.com/r.txt",
    ],
)
def test_include_by_url_is_refused_with_advice_to_vendor_the_file(line: str) -> None:
    error = error_of({"requirements.txt": f"flask\n{line}\n"})
    assert isinstance(error, RequirementsRemoteInclude)
    assert (error.file, error.line, error.text) == ("requirements.txt", 2, line)
    assert "Download the file into\nthe repository" in error.body()


@pytest.mark.parametrize(
    ("files", "path"),
    [
        ({"requirements.txt": "-r ../shared/requirements.txt\n"}, "../shared/requirements.txt"),
        ({"requirements.txt": "-r req/a.txt\n", "req/a.txt": "-c ../../pins.txt\n"}, "../pins.txt"),
        ({"requirements.txt": "-r /etc/requirements.txt\n"}, "/etc/requirements.txt"),
        ({"requirements.txt": "-r file:///etc/requirements.txt\n"}, "/etc/requirements.txt"),
    ],
)
def test_include_that_leaves_the_app_is_refused(files: dict[str, str], path: str) -> None:
    error = error_of(files)
    assert isinstance(error, RequirementsPathOutsideApp)
    assert error.path == path
    assert "outside the app" in str(error)


def test_include_that_goes_up_and_back_into_the_app_is_fine() -> None:
    graph = graph_of({"requirements.txt": "-r req/../pins.txt\n", "pins.txt": "six\n"})
    assert graph.includes[0].path == "pins.txt"


@pytest.mark.parametrize(
    ("line", "role", "why"),
    [
        ("../shared", "a local package", "the build directory, which the platform"),
        ("./dist/../../pkg-1.0-py3-none-any.whl", "a local package", "Give the absolute path"),
        ("-e ../shared", "an editable package", "the link would lead nowhere"),
        ("-e /srv/pkg", "an editable package", "Install it without '-e'"),
        ("-e file:///srv/pkg", "an editable package", "the link would lead nowhere"),
    ],
)
def test_local_package_outside_the_app_that_cannot_work_is_refused(
    line: str, role: str, why: str
) -> None:
    error = error_of({"requirements.txt": f"{line}\n"})
    assert isinstance(error, RequirementsPathOutsideApp), error
    assert error.role == role
    assert why in " ".join(error.body().split())


def outside_graph(line: str, tmp_path: Path) -> tuple[Path, RequirementEntry]:
    app = tmp_path / "app"
    app.mkdir()
    wheel = tmp_path / "ci" / "dist" / "pkg-1.0-py3-none-any.whl"
    wheel.parent.mkdir(parents=True)
    wheel.write_bytes(b"a wheel")
    (app / "requirements.txt").write_text(line.format(wheel=wheel, uri=wheel.as_uri()) + "\n")
    return wheel, only(load_requirements_graph(app, config_vars={}))


@pytest.mark.parametrize("line", ["{wheel}", "pkg @ {uri}", "{uri}"])
def test_wheel_outside_the_app_is_installed_from_its_absolute_path(
    line: str, tmp_path: Path
) -> None:
    wheel, entry = outside_graph(line, tmp_path)
    assert entry.local_path == LocalPath(str(wheel), "file")
    assert entry.local_path.outside
    assert entry.moving_target == "local_file"
    assert str(wheel) in entry.normalized and "./" not in entry.normalized


@pytest.mark.parametrize("line", ["/ci/dist/gone-1.0-py3-none-any.whl", "gone @ file:///ci/gone"])
def test_missing_path_outside_the_app_says_it_does_not_exist_during_the_build(line: str) -> None:
    error = error_of({"requirements.txt": f"# built by CI\n{line}\n"})
    assert isinstance(error, RequirementsOutsidePathMissing), error
    assert error.file == "requirements.txt" and error.line == 2
    assert "does not exist on the build machine during the" in error.body()


def test_find_links_outside_the_app_by_absolute_path_is_kept() -> None:
    graph = graph_of({"requirements.txt": "--find-links /ci/wheels\n-f file:///ci/more\n"})
    assert [o.local_path for o in graph.options] == ["/ci/wheels", "/ci/more"]


@pytest.mark.parametrize("line", ["./missing", "-e ./missing", "./dist/missing-1.0.tar.gz"])
def test_local_package_that_does_not_exist_is_refused(line: str) -> None:
    error = error_of({"requirements.txt": f"{line}\n"})
    assert isinstance(error, RequirementsLocalPathMissing)
    assert "relative to the app's root" in error.body()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Django==", "Expected semicolon"),
        ("requests>=2[socks]", "Expected comma"),
        ("flask=2.0", "Did you mean == ?"),
        ("celery @", "Expected URL after @"),
        ("django; python_version >> '3'", "Expected a marker variable"),
        ("idna==3.7 --hash=md5:abc", "Allowed hash algorithms for --hash are sha256"),
        ("idna==3.7 --hash=abc", "must be a hash name followed by a value"),
        ("--frobnicate", "no such option: --frobnicate"),
        ("--install-option=--prefix=/x", "no such option: --install-option"),
        ("--requirements other.txt", "no such option: --requirements"),
        ("-r", "-r option requires"),
        ("foo --config-settings novalue", "must be of the form KEY=VAL"),
        ("foo --global-option 'unclosed", "Could not split options"),
        ("-e https://example.com/pkg.tar.gz", "is not a valid editable requirement"),
        ("-e git+https://github.com/org/repo", "Could not detect requirement name"),
        ("git+https://github.com/org/repo@#egg=repo", "has an empty revision"),
        ("https://example.com/not-a-wheel.whl", "is not a valid wheel filename"),
        ("-e git+https://github.com/o/r#egg=r[extra]", "is not a project name"),
    ],
)
def test_line_pip_would_refuse_is_reported_with_file_line_text_and_reason(
    line: str, reason: str
) -> None:
    error = error_of({"requirements.txt": f"# deps\n{line}  # why\n", "other.txt": ""})
    assert isinstance(error, InvalidRequirementsLine)
    assert error.failure_reason == "requirements_invalid_line"
    assert (error.file, error.line, error.text) == ("requirements.txt", 2, line)
    assert reason in error.reason
    assert f"requirements.txt:2: {line}" in str(error)
    assert "requirements-file-format" in error.body()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("./pkg", "Unnamed requirements are not allowed as constraints"),
        ("-e git+https://github.com/o/r.git#egg=r", "Editable requirements are not allowed"),
        ("requests[socks]==2.32.0", "Constraints cannot have extras"),
    ],
)
def test_constraint_that_is_not_a_name_and_version_is_refused(line: str, reason: str) -> None:
    with pytest.raises(InvalidRequirementsLine, match=reason) as info:
        graph_of({"requirements.txt": "-c c.txt\n", "c.txt": f"{line}\n"}, dirs=("pkg",))
    assert (info.value.file, info.value.line) == ("c.txt", 1)


def test_continued_line_is_reported_at_its_first_physical_line() -> None:
    graph = graph_of(
        {"requirements.txt": "# x\nrequests==2.32.3 \\\n    --hash=" + HASH_A + " \\\n\n six\n"}
    )
    assert [(r.name, r.provenance.line) for r in graph.requirements] == [
        ("requests", 2),
        ("six", 5),
    ]
    error = error_of({"requirements.txt": "a==1\nb== \\\n  \\\n  ; python_version\n"})
    assert isinstance(error, InvalidRequirementsLine)
    assert error.line == 2


def test_global_options_on_a_requirement_line_are_ignored_as_pip_does() -> None:
    graph = graph_of(
        {"requirements.txt": "foo==1 --pre --index-url https://x.test -C k=v --hash=" + HASH_A}
    )
    assert graph.options == ()
    entry = only(graph)
    assert entry.options == (("--config-settings", "k=v"),)
    assert entry.hashes == (HASH_A,)
    assert entry.display == "foo==1"


def test_r_line_with_other_options_only_includes_as_pip_does() -> None:
    graph = graph_of({"requirements.txt": "-r a.txt --pre\n", "a.txt": "six\n"})
    assert graph.options == ()
    assert [r.name for r in graph.requirements] == ["six"]


def test_global_options_are_recorded_with_their_values_and_lines() -> None:
    graph = graph_of(
        {
            "requirements.txt": (
                "--index-url https://pypi.example/simple\n"
                "--extra-index-url=https://extra.example/simple\n"
                "--pre --prefer-binary\n"
                "--no-binary :all: --only-binary=numpy\n"
                "--trusted-host extra.example\n"
                "--no-index\n"
                "--require-hashes\n"
            ),
        }
    )
    assert [(o.name, o.value, o.provenance.line) for o in graph.options] == [
        ("--index-url", "https://pypi.example/simple", 1),
        ("--extra-index-url", "https://extra.example/simple", 2),
        ("--prefer-binary", None, 3),
        ("--pre", None, 3),
        ("--no-binary", ":all:", 4),
        ("--only-binary", "numpy", 4),
        ("--trusted-host", "extra.example", 5),
        ("--no-index", None, 6),
        ("--require-hashes", None, 7),
    ]


def test_find_links_keeps_the_path_as_written_and_where_pip_looks() -> None:
    graph = graph_of(
        {
            "requirements.txt": "-r req/base.txt\n-f wheels\n--find-links https://x.test/l\n",
            "req/base.txt": "--find-links ../vendor\n-f local\n",
            "req/local/a.whl": "",
            "vendor/b.whl": "",
        }
    )
    assert [(o.value, o.local_path) for o in graph.options] == [
        ("../vendor", "vendor"),  # next to req/base.txt
        ("local", "req/local"),  # next to req/base.txt
        ("wheels", "wheels"),  # not next to the file: the app dir
        ("https://x.test/l", None),
    ]


def test_find_links_outside_the_app_is_refused() -> None:
    error = error_of({"requirements.txt": "--find-links ../wheels\n"})
    assert isinstance(error, RequirementsPathOutsideApp)


# --- ${VAR} ---------------------------------------------------------------------


def test_set_variable_is_expanded_for_pip_but_not_in_what_is_logged() -> None:
    graph = graph_of(
        {
            "requirements.txt": (
                "--extra-index-url https://__token__:${PRIVATE_TOKEN}@pkgs.example/simple\n"
                "private-lib @ https://${PRIVATE_TOKEN}@git.example/lib-${LIB_VERSION}.tar.gz\n"
                "django==${DJANGO_VERSION}\n"
            )
        },
        {"PRIVATE_TOKEN": "s3cr3t-t0ken", "LIB_VERSION": "1.2", "DJANGO_VERSION": "5.0.6"},
    )
    option = graph.options[0]
    assert option.value == "https://__token__:s3cr3t-t0ken@pkgs.example/simple"
    private, django = graph.requirements
    assert private.url == "https://s3cr3t-t0ken@git.example/lib-1.2.tar.gz"
    assert django.specifier == "==5.0.6"
    assert django.display == "django==${DJANGO_VERSION}"
    logged = [option.display, private.display, django.display, *[i.display for i in graph.includes]]
    assert not any("s3cr3t" in text or "5.0.6" in text for text in logged)
    assert graph.referenced_vars == ("DJANGO_VERSION", "LIB_VERSION", "PRIVATE_TOKEN")


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({}, "https://x.test/${PKG_DIR}/a-1.0.tar.gz"),
        ({"PKG_DIR": ""}, "https://x.test/${PKG_DIR}/a-1.0.tar.gz"),
        ({"PKG_DIR": "v2"}, "https://x.test/v2/a-1.0.tar.gz"),
    ],
)
def test_unset_or_empty_variable_is_left_as_written(env: dict[str, str], url: str) -> None:
    graph = graph_of({"requirements.txt": "a @ https://x.test/${PKG_DIR}/a-1.0.tar.gz\n"}, env)
    assert only(graph).url == url
    assert graph.referenced_vars == ("PKG_DIR",)


def test_variable_forms_pip_does_not_expand_are_left_alone() -> None:
    graph = graph_of(
        {
            "requirements.txt": (
                "a @ https://x.test/${pkg_dir}/$PKG/${PKG-1}/a.tar.gz # ${IN_COMMENT}\n"
            )
        },
        {"pkg_dir": "x", "PKG": "y", "IN_COMMENT": "z"},
    )
    assert only(graph).url == "https://x.test/${pkg_dir}/$PKG/${PKG-1}/a.tar.gz"
    assert graph.referenced_vars == ()


def test_variable_in_an_include_path_is_expanded() -> None:
    graph = graph_of(
        {
            "requirements.txt": "-r requirements/${ENVIRONMENT}.txt\n",
            "requirements/prod.txt": "a\n",
        },
        {"ENVIRONMENT": "prod"},
    )
    assert [f.path for f in graph.files] == ["requirements.txt", "requirements/prod.txt"]
    assert graph.includes[0].display == "-r requirements/${ENVIRONMENT}.txt"


def test_error_about_an_expanded_line_does_not_show_the_value() -> None:
    error = error_of({"requirements.txt": "lib==${TOKEN} extra\n"}, {"TOKEN": "hunter2hunter2"})
    assert isinstance(error, InvalidRequirementsLine)
    assert "hunter2" not in str(error)
    assert "${TOKEN}" in error.reason


def test_literal_credentials_in_urls_are_hidden_from_display() -> None:
    graph = graph_of(
        {
            "requirements.txt": "-i https://user:pa55word@pkgs.example/simple\n"
            "lib @ https://gh_token123@git.example/lib.tar.gz\n"
        }
    )
    assert graph.options[0].display == "-i https://user:****@pkgs.example/simple"
    assert only(graph).display == "lib @ https://****@git.example/lib.tar.gz"


# --- reading from disk ------------------------------------------------------------


def test_app_files_are_read_from_disk(tmp_path: Path) -> None:
    (tmp_path / "requirements").mkdir()
    (tmp_path / "pkg").mkdir()
    (tmp_path / "requirements.txt").write_text("-r requirements/base.txt\n-e ./pkg\n")
    (tmp_path / "requirements" / "base.txt").write_text("idna==${IDNA}\n")
    graph = load_requirements_graph(tmp_path, "requirements.txt", {"IDNA": "3.7"})
    assert [r.normalized for r in graph.requirements] == ["idna==3.7", "./pkg"]
    assert graph.requirements[1].local_path == LocalPath("pkg", "dir")


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfidna==3.7\n",
        "idna==3.7\n".encode("utf-16"),
        b"# -*- coding: latin-1 -*-\nidna==3.7 # caf\xe9\n",
    ],
)
def test_byte_order_mark_and_coding_line_are_honoured_as_pip_does(
    tmp_path: Path, data: bytes
) -> None:
    (tmp_path / "requirements.txt").write_bytes(data)
    graph = load_requirements_graph(tmp_path, config_vars={})
    assert only(graph).normalized == "idna==3.7"


def test_file_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r dev.txt\n")
    (tmp_path / "dev.txt").write_bytes(b"caf\xe9==1.0\n")
    with pytest.raises(RequirementsFileNotText) as info:
        load_requirements_graph(tmp_path, config_vars={})
    assert info.value.file == "dev.txt"
    assert info.value.failure_reason == "requirements_not_utf8"


def test_included_symlink_to_outside_the_app_is_refused(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (tmp_path / "elsewhere.txt").write_text("idna\n")
    (app / "linked.txt").symlink_to(tmp_path / "elsewhere.txt")
    (app / "requirements.txt").write_text("-r linked.txt\n")
    with pytest.raises(RequirementsPathOutsideApp):
        load_requirements_graph(app, config_vars={})


def test_included_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r requirements\n")
    (tmp_path / "requirements").mkdir()
    with pytest.raises(RequirementsFileUnreadable, match="requirements"):
        load_requirements_graph(tmp_path, config_vars={})
