from __future__ import annotations

import json
import os
import posixpath
import random
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from packaging.markers import Marker
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from python_buildpack.errors import (
    BuildpackError,
    InvalidRequirementsLine,
    RequirementsFileNotText,
    RequirementsFileUnreadable,
    RequirementsIncludeCycle,
    RequirementsIncludeMissing,
    RequirementsLocalPathMissing,
    RequirementsPathOutsideApp,
    RequirementsRemoteInclude,
)
from python_buildpack.requirements import (
    LocalPath,
    PathKind,
    Provenance,
    RequirementEntry,
    RequirementsGraph,
    load_requirements_graph,
    normalized_graph,
    parse_requirements_graph,
)

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def graph_of(
    files: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    *,
    dirs: tuple[str, ...] = (),
) -> RequirementsGraph:
    """The graph of an app made of `files`, plus the directories `dirs`."""

    def read_file(path: str) -> str:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(path) from None

    def path_kind(path: str) -> PathKind | None:
        if path in files:
            return "file"
        if path == "." or path in dirs or any(f.startswith(path + "/") for f in files):
            return "dir"
        return None

    return parse_requirements_graph(
        "requirements.txt", read_file, config_vars=env or {}, path_kind=path_kind
    )


def error_of(files: Mapping[str, str], env: Mapping[str, str] | None = None) -> BuildpackError:
    with pytest.raises(BuildpackError) as info:
        graph_of(files, env)
    return info.value


def only(graph: RequirementsGraph) -> RequirementEntry:
    assert len(graph.requirements) == 1, graph.requirements
    return graph.requirements[0]


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


@pytest.mark.parametrize("line", ["../shared", "-e ../shared", "file:///srv/pkg", "/srv/pkg"])
def test_local_package_outside_the_app_is_refused(line: str) -> None:
    error = error_of({"requirements.txt": f"{line}\n"})
    assert isinstance(error, RequirementsPathOutsideApp)
    assert error.role == "a local package"


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


# --- entries --------------------------------------------------------------------


def test_requirement_is_normalized_by_packaging() -> None:
    entry = only(
        graph_of(
            {
                "requirements.txt": "Django[Bcrypt, argon2]  >= 4.2 , <5;python_version>='3.10' "
                f"--hash={HASH_B} --hash={HASH_A}\n"
            }
        )
    )
    assert entry.name == "django"
    assert entry.extras == ("argon2", "bcrypt")
    assert entry.specifier == "<5,>=4.2"
    assert entry.marker == 'python_version >= "3.10"'
    assert entry.normalized == 'django[argon2,bcrypt]<5,>=4.2 ; python_version >= "3.10"'
    assert entry.hashes == (HASH_A, HASH_B)
    assert entry.display == "Django[Bcrypt, argon2] >= 4.2 , <5;python_version>='3.10'"


@pytest.mark.parametrize(
    ("line", "name", "url", "local", "editable"),
    [
        ("./pkgs/alpha", None, None, LocalPath("pkgs/alpha", "dir"), False),
        ("pkgs/alpha[x]", None, None, LocalPath("pkgs/alpha", "dir"), False),
        ("-e .", None, None, LocalPath(".", "dir"), True),
        ("-e pkgs/alpha[x]", None, None, LocalPath("pkgs/alpha", "dir"), True),
        ("file:./pkgs/alpha", None, "file:./pkgs/alpha", LocalPath("pkgs/alpha", "dir"), False),
        (
            "./dist/foo_bar-1.0-py3-none-any.whl",
            "foo-bar",
            None,
            LocalPath("dist/foo_bar-1.0-py3-none-any.whl", "file"),
            False,
        ),
        ("dist/lib-2.0.tar.gz", None, None, LocalPath("dist/lib-2.0.tar.gz", "file"), False),
        (
            "-e git+https://github.com/org/repo.git@v1#egg=Repo",
            "repo",
            "git+https://github.com/org/repo.git@v1#egg=Repo",
            None,
            True,
        ),
        (
            "-e git://github.com/org/repo.git#egg=repo",
            "repo",
            "git+git://github.com/org/repo.git#egg=repo",
            None,
            True,
        ),
        ("lib @ https://x.test/lib.tar.gz", "lib", "https://x.test/lib.tar.gz", None, False),
    ],
)
def test_url_path_and_editable_requirements(
    line: str, name: str | None, url: str | None, local: LocalPath | None, editable: bool
) -> None:
    files = {
        "requirements.txt": line + "\n",
        "pkgs/alpha/pyproject.toml": "",
        "dist/foo_bar-1.0-py3-none-any.whl": "",
        "dist/lib-2.0.tar.gz": "",
    }
    entry = only(graph_of(files))
    assert (entry.name, entry.url, entry.local_path, entry.editable) == (
        name,
        url,
        local,
        editable,
    )


def test_local_file_that_is_not_an_archive_is_refused() -> None:
    with pytest.raises(InvalidRequirementsLine, match="not an archive"):
        graph_of({"requirements.txt": "./setup.py\n", "setup.py": ""})


@pytest.mark.parametrize(
    ("line", "pinned", "moving"),
    [
        ("idna==3.7", True, None),
        ("idna===3.7-custom", True, None),
        ("idna==3.*", False, None),
        ("idna>=3.7", False, None),
        ("idna", False, None),
        ("idna==3.7,!=3.6", False, None),
        ("idna @ https://x.test/idna-3.7.tar.gz", False, "archive_url"),
        ("https://x.test/idna-3.7-py3-none-any.whl", False, "archive_url"),
        ("idna @ https://x.test/idna-3.7.tar.gz#sha256=" + "a" * 64, True, None),
        (f"idna @ https://x.test/idna-3.7.tar.gz --hash={HASH_A}", True, None),
        (f"idna @ git+https://github.com/kjd/idna.git@{COMMIT}", True, None),
        ("idna @ git+https://github.com/kjd/idna.git@v3.7", False, "vcs_ref"),
        ("idna @ git+https://github.com/kjd/idna.git", False, "vcs_ref"),
        (f"-e git+https://github.com/kjd/idna.git@{COMMIT[:12]}#egg=idna", False, "vcs_ref"),
        (f"-e git+ssh://git@github.com/kjd/idna.git@{COMMIT}#egg=idna", True, None),
        ("./pkgs/alpha", False, "local_dir"),
        ("-e ./pkgs/alpha", False, "local_dir"),
        ("./dist/lib-2.0.tar.gz", False, "local_file"),
    ],
)
def test_pinned_and_moving_target_classification(
    line: str, pinned: bool, moving: str | None
) -> None:
    files = {
        "requirements.txt": line + "\n",
        "pkgs/alpha/setup.py": "",
        "dist/lib-2.0.tar.gz": "",
    }
    entry = only(graph_of(files))
    assert (entry.is_pinned, entry.moving_target) == (pinned, moving)


# --- normalized graph -------------------------------------------------------------

BASE = {
    "requirements.txt": (
        "# Production dependencies\n"
        "--index-url https://pypi.example/simple\n"
        "-r requirements/base.txt\n"
        "-c constraints.txt\n"
        f"gunicorn==22.0.0 --hash={HASH_A} --hash={HASH_B}\n"
        "django[bcrypt]==5.0.6 ; python_version >= '3.10'\n"
    ),
    "requirements/base.txt": "idna==3.7\nrequests==2.32.3\n",
    "constraints.txt": "urllib3==2.2.1\n",
}


def normal(files: Mapping[str, str], env: Mapping[str, str] | None = None) -> str:
    value = normalized_graph(graph_of(files, env))
    return json.dumps(value, sort_keys=True)


def edited(path: str, text: str) -> dict[str, str]:
    return {**BASE, path: text}


@pytest.mark.parametrize(
    "files",
    [
        edited("requirements.txt", BASE["requirements.txt"].replace("# Production", "# Prod")),
        edited("requirements.txt", "\n\n" + BASE["requirements.txt"] + "\n# the end\n"),
        edited("requirements.txt", BASE["requirements.txt"].replace("==22", " ==  22")),
        edited("requirements.txt", BASE["requirements.txt"].replace("--hash", "    --hash")),
        edited(
            "requirements.txt",
            BASE["requirements.txt"].replace(
                f"--hash={HASH_A} --hash={HASH_B}",
                f"\\\n    --hash={HASH_B} \\\n    --hash={HASH_A}",
            ),
        ),
        edited("requirements.txt", BASE["requirements.txt"].replace("\n", "\r\n")),
        edited("requirements.txt", BASE["requirements.txt"].replace("'3.10'", '"3.10"')),
        edited(
            "requirements/base.txt", "  idna==3.7   # pinned by security\n\n\nrequests==2.32.3\n"
        ),
        edited(
            "requirements.txt",
            BASE["requirements.txt"].replace("-c constraints", "--constraint=constraints"),
        ),
    ],
)
def test_comment_and_formatting_edits_keep_the_normalized_graph(files: dict[str, str]) -> None:
    assert normal(files) == normal(BASE)


def test_comment_and_formatting_edits_keep_each_file_digest() -> None:
    before = graph_of(BASE)
    after = graph_of(edited("requirements/base.txt", "# deps\nidna==3.7   # x\n\nrequests==2.32.3"))
    assert [f.digest for f in before.files] == [f.digest for f in after.files]


@pytest.mark.parametrize(
    "files",
    [
        edited("requirements/base.txt", "idna==3.6\nrequests==2.32.3\n"),
        edited("requirements/base.txt", "requests==2.32.3\n"),
        edited("requirements/base.txt", "idna==3.7\nrequests[socks]==2.32.3\n"),
        edited("requirements/base.txt", "idna==3.7 ; python_version < '3.13'\nrequests==2.32.3\n"),
        edited("requirements.txt", BASE["requirements.txt"].replace(HASH_B, "sha256:" + "c" * 64)),
        edited(
            "requirements.txt", BASE["requirements.txt"].replace("pypi.example", "mirror.example")
        ),
        edited("requirements.txt", BASE["requirements.txt"] + "--pre\n"),
        edited(
            "requirements.txt", BASE["requirements.txt"].replace("-c constraints", "-r constraints")
        ),
        edited("requirements.txt", BASE["requirements.txt"] + "idna==3.7\n"),
        edited("constraints.txt", "urllib3==2.2.2\n"),
        edited("requirements.txt", BASE["requirements.txt"].replace("'3.10'", "'3.11'")),
    ],
)
def test_every_kind_of_change_gives_a_different_normalized_graph(files: dict[str, str]) -> None:
    assert normal(files) != normal(BASE)


def test_making_a_local_package_editable_changes_the_normalized_graph() -> None:
    files = {"requirements.txt": "./pkg\n", "pkg/setup.py": ""}
    assert normal(files) != normal({**files, "requirements.txt": "-e ./pkg\n"})


def test_requirement_moved_to_another_file_changes_the_normalized_graph() -> None:
    moved = {
        **BASE,
        "requirements.txt": BASE["requirements.txt"] + "idna==3.7\n",
        "requirements/base.txt": "requests==2.32.3\n",
    }
    assert normal(moved) != normal(BASE)


def test_changed_variable_value_changes_the_normalized_graph() -> None:
    files = {"requirements.txt": "django==${DJANGO}\n"}
    assert normal(files, {"DJANGO": "5.0.6"}) != normal(files, {"DJANGO": "5.0.7"})


def test_normalized_graph_is_json() -> None:
    value = normalized_graph(graph_of(BASE))
    assert json.loads(json.dumps(value)) == value


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


# --- oracle: pip's own parser -------------------------------------------------------

ORACLE_CASES = 1000
ORACLE_ENV = {
    "BP_ORACLE_VERSION": "1.2.3",
    "BP_ORACLE_NAME": "Attrs",
    "BP_ORACLE_TOKEN": "tok3n",
    "BP_ORACLE_EMPTY": "",
}
NAMES = [
    "requests",
    "Django",
    "zope.interface",
    "typing_extensions",
    "Flask-SQLAlchemy",
    "a",
    "x_y.Z",
]
SPECS = [
    "",
    "==1.0",
    "==2.31.0",
    ">=1.2",
    ">=1.2,<2",
    "~=1.4.2",
    "!=1.5",
    "==1.*",
    "===1.0",
    "<3 , >1",
]
EXTRAS = ["", "[security]", "[a,b]", "[B , a]"]
MARKERS = [
    "",
    "; python_version >= '3.8'",
    ";sys_platform=='linux'",
    " ; python_version<\"3.12\" and os_name == 'posix'",
    "; (implementation_name=='cpython' or platform_machine=='x86_64')",
]
OPTIONS = [
    "--index-url https://pypi.example/simple",
    "-i https://${BP_ORACLE_TOKEN}@pypi.example/simple",
    "--extra-index-url=https://extra.example/simple",
    "--pre",
    "--prefer-binary",
    "--no-binary :all:",
    "--only-binary=numpy",
    "--trusted-host extra.example",
    "-f ./wheels",
    "--find-links=https://example.com/links",
    "--no-index",
]
INVALID = [
    "broken==",
    "bar>=1[x]",
    "baz==1 --hash=md5:abc",
    "--frobnicate",
    "-e https://example.com/x.tar.gz",
    "-e git+https://example.com/x",
    "qux @",
    "-r",
    "foo=1",
    "foo --hash=sha256",
    "https://example.com/bad.whl",
]


@dataclass
class OracleApp:
    files: dict[str, list[str]] = field(default_factory=dict)
    invalid: bool = False


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _named_line(rng: random.Random, constraint: bool) -> str:
    name = rng.choice([*NAMES, "${BP_ORACLE_NAME}"])
    spec = rng.choice([*SPECS, "==${BP_ORACLE_VERSION}"])
    extras = "" if constraint else rng.choice(EXTRAS)
    line = name + extras + (" " if rng.random() < 0.2 else "") + spec + rng.choice(MARKERS)
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        line += f" --hash=sha256:{_hex(rng, 64)}"
    return line


def _other_line(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    ref = rng.choice([_hex(rng, 40), "v1.0", "main"])
    marker = rng.choice(["", " ; python_version >= '3.8'"])
    return rng.choice(
        [
            f"{name} @ https://example.com/pkgs/{name}-1.0.tar.gz{marker}",
            f"{name} @ https://example.com/pkgs/{name}-1.0.tar.gz#sha256={_hex(rng, 64)}",
            "https://example.com/${BP_ORACLE_EMPTY}/p/foo-1.0.tar.gz",
            "https://example.com/${BP_ORACLE_UNSET}/p/foo-1.0.tar.gz",
            "https://example.com/dist/foo_bar-1.0-py3-none-any.whl" + marker,
            f"git+https://github.com/org/{name}.git@{ref}#egg={name}",
            f"{name} @ git+https://github.com/org/{name}.git@{ref}{marker}",
            f"-e git+https://github.com/org/{name}.git@{ref}#egg={name}",
            "./pkgs/alpha",
            "./pkgs/alpha[extra]",
            "-e ./pkgs/beta",
            "-e pkgs/beta[x,y]",
            "file:./pkgs/alpha",
            "./dist/foo_bar-1.0-py3-none-any.whl",
            "dist/lib-2.0.tar.gz",
            f"{name}==1.0 --config-settings key=value",
        ]
    )


def _decorate(rng: random.Random, line: str) -> list[str]:
    """The same logical line, written with comments and continuations."""
    if rng.random() < 0.3 and " " in line:
        words = line.split(" ")
        cut = rng.randrange(1, len(words))
        line = " ".join(words[:cut]) + " \\\n    " + " ".join(words[cut:])
    if rng.random() < 0.2:
        line += "   # a comment"
    out = [line]
    if rng.random() < 0.15:
        out.insert(0, rng.choice(["", "# comment \\", "   ", "#" + _hex(rng, 8)]))
    return out


def make_oracle_app(rng: random.Random) -> OracleApp:
    paths = [
        "requirements.txt",
        "requirements/base.txt",
        "requirements/dev/extra.txt",
        "constraints.txt",
    ]
    paths = paths[: rng.randint(1, len(paths))]
    constraint_safe = {p: p == "constraints.txt" or rng.random() < 0.4 for p in paths}
    app = OracleApp()
    for index, path in enumerate(paths):
        lines: list[str] = []
        for _ in range(rng.randint(0, 7)):
            roll = rng.random()
            if roll < 0.5 or constraint_safe[path]:
                line = _named_line(rng, constraint=constraint_safe[path])
            elif roll < 0.8:
                line = _other_line(rng)
            else:
                line = rng.choice(OPTIONS)
            if constraint_safe[path] and rng.random() < 0.15:
                line = rng.choice(OPTIONS)
            lines += _decorate(rng, line)
        for target in paths[index + 1 :]:
            if rng.random() < 0.6:
                flag = "-c" if constraint_safe[target] and rng.random() < 0.6 else "-r"
                flag = rng.choice([flag, {"-c": "--constraint", "-r": "--requirement"}[flag]])
                relative = posixpath.relpath(target, posixpath.dirname(path) or ".")
                lines.insert(rng.randint(0, len(lines)), f"{flag} {relative}")
        app.files[path] = lines
    if rng.random() < 0.08:
        path = rng.choice(paths)
        app.files[path].insert(rng.randint(0, len(app.files[path])), rng.choice(INVALID))
        app.invalid = True
    return app


Key = tuple[str | None, str, str | None, tuple[str, ...], str | None, bool, bool]


def our_view(graph: RequirementsGraph) -> set[Key]:
    return {
        (
            r.name,
            r.specifier,
            r.marker,
            r.extras,
            f"local:{r.local_path.path}" if r.local_path else r.url,
            r.kind == "constraint",
            r.editable,
        )
        for r in graph.requirements
    }


@dataclass(frozen=True)
class Pip:
    """pip's own requirements file parser, from the test environment's pip."""

    session: Any
    parse_requirements: Any
    install_req_from_parsed_requirement: Any


def pip_view(pip: Pip, cwd: Path) -> set[Key]:
    view: set[Key] = set()
    for parsed in pip.parse_requirements("requirements.txt", session=pip.session):
        ireq = pip.install_req_from_parsed_requirement(parsed)
        link = ireq.link
        if link is None:
            url = None
        elif link.scheme == "file":
            url = "local:" + os.path.relpath(os.path.abspath(link.file_path), cwd)
        else:
            url = link.url
        view.add(
            (
                canonicalize_name(ireq.req.name) if ireq.req else None,
                str(SpecifierSet(str(ireq.req.specifier))) if ireq.req else "",
                str(Marker(str(ireq.markers))) if ireq.markers else None,
                tuple(sorted(canonicalize_name(e) for e in ireq.extras)),
                url,
                bool(ireq.constraint),
                bool(ireq.editable),
            )
        )
    return view


@pytest.fixture(scope="module")
def pip() -> Iterator[Pip]:
    with warnings.catch_warnings():
        # pip 23.2 imports pkg_resources, which warns that it is deprecated.
        warnings.simplefilter("ignore", DeprecationWarning)
        from pip._internal.network.session import PipSession
        from pip._internal.req.constructors import install_req_from_parsed_requirement
        from pip._internal.req.req_file import parse_requirements

        session = PipSession()
    yield Pip(session, parse_requirements, install_req_from_parsed_requirement)
    session.close()


def test_oracle_pip_reads_generated_requirement_files_as_we_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pip: Pip
) -> None:
    for name, value in ORACLE_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BP_ORACLE_UNSET", raising=False)
    rng = random.Random(20240611)
    compared = refused = 0
    for case in range(ORACLE_CASES):
        app = make_oracle_app(rng)
        app_dir = tmp_path / f"app{case}"
        for directory in ("pkgs/alpha", "pkgs/beta", "dist", "wheels", "requirements/dev"):
            (app_dir / directory).mkdir(parents=True, exist_ok=True)
        (app_dir / "pkgs/alpha/pyproject.toml").write_text("")
        (app_dir / "pkgs/beta/setup.py").write_text("")
        (app_dir / "dist/foo_bar-1.0-py3-none-any.whl").write_text("")
        (app_dir / "dist/lib-2.0.tar.gz").write_text("")
        for path, lines in app.files.items():
            (app_dir / path).write_text("\n".join(lines) + "\n")
        monkeypatch.chdir(app_dir)
        context = f"case {case}: " + json.dumps(app.files, indent=1)

        pip_error: Exception | None = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                expected = pip_view(pip, app_dir)
            except Exception as error:  # pip's errors have no common base we can name
                pip_error = error
        try:
            graph = load_requirements_graph(app_dir, config_vars=ORACLE_ENV)
        except BuildpackError as error:
            assert pip_error is not None, f"{context}\nwe refused, pip did not: {error}"
            refused += 1
            continue
        assert pip_error is None, f"{context}\npip refused, we did not: {pip_error}"
        assert our_view(graph) == expected, context
        compared += 1
    assert compared > ORACLE_CASES * 0.8
    assert refused > 0
