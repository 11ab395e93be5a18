"""One requirement line: what it installs, whether it is pinned, what can move behind it."""

from __future__ import annotations

import pytest

from python_buildpack.errors import InvalidRequirementsLine
from python_buildpack.requirements import LocalPath, is_full_commit, split_vcs_url
from support.requirements_apps import COMMIT, HASH_A, HASH_B, error_of, graph_of, only


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


# --- VCS URLs and option lines ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "git+https://github.com/org/repo.git@v1.0#egg=pkg",
            ("git", "https://github.com/org/repo.git", "v1.0"),
        ),
        (
            "git+https://ghp_tok3n@github.com/org/repo.git@main",
            ("git", "https://ghp_tok3n@github.com/org/repo.git", "main"),
        ),
        ("git+ssh://git@github.com/org/repo.git", ("git", "ssh://git@github.com/org/repo.git", "")),
        ("GIT+HTTPS://host/repo@feature/x@y", ("git", "https://host/repo@feature/x", "y")),
        ("hg+https://host/repo#egg=a@b", ("hg", "https://host/repo", "")),
    ],
)
def test_vcs_revision_follows_the_last_at_of_the_path(
    url: str, expected: tuple[str, str, str]
) -> None:
    assert split_vcs_url(url) == expected


def test_only_forty_hex_digits_are_a_commit_that_cannot_move() -> None:
    assert is_full_commit(COMMIT)
    assert is_full_commit(COMMIT.upper())
    assert not is_full_commit(COMMIT[:12])
    assert not is_full_commit("main")
    assert not is_full_commit("")
    assert not is_full_commit(None)


def test_empty_revision_after_the_at_is_refused() -> None:
    error = error_of({"requirements.txt": "pkg @ git+https://host/repo.git@\n"})
    assert isinstance(error, InvalidRequirementsLine)
    assert "empty revision" in error.reason


def test_each_option_line_gives_only_its_own_values() -> None:
    # The line option parser is built once: a list option of one line must not
    # carry over into the next (pip builds a new parser per line for this).
    graph = graph_of(
        {
            "requirements.txt": (
                "--extra-index-url https://one.example/simple\n"
                "--extra-index-url https://two.example/simple\n"
                "--trusted-host one.example\n"
                "pkg==1 --config-settings a=1\n"
                "other==2\n"
                "-r a.txt\n"
                "-r b.txt\n"
            ),
            "a.txt": "",
            "b.txt": "",
        }
    )
    assert [(o.name, o.value) for o in graph.options] == [
        ("--extra-index-url", "https://one.example/simple"),
        ("--extra-index-url", "https://two.example/simple"),
        ("--trusted-host", "one.example"),
    ]
    assert [r.options for r in graph.requirements] == [(("--config-settings", "a=1"),), ()]
    assert [i.path for i in graph.includes] == ["a.txt", "b.txt"]
