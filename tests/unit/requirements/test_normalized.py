"""The graph as the fingerprint sees it: blind to formatting, not to changes."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from python_buildpack.requirements import (
    normalized_graph,
)
from support.requirements_apps import HASH_A, HASH_B, graph_of

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
