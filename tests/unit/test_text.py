"""One redaction for everything the build prints or stores."""

from __future__ import annotations

from python_buildpack.text import redact


def test_password_in_a_url_is_masked_as_pip_logs_it() -> None:
    text = "--index-url https://deploy:hunter2@pkgs.example/simple and http://a:b@c/"
    assert redact(text) == (
        "--index-url https://deploy:****@pkgs.example/simple and http://a:****@c/"
    )


def test_token_as_the_user_part_is_masked() -> None:
    text = "pkg @ git+https://ghp_s3cr3t@github.com/org/repo.git@main"
    assert redact(text) == "pkg @ git+https://****@github.com/org/repo.git@main"


def test_unexpanded_variable_name_is_not_a_secret() -> None:
    text = "git+https://${GITHUB_TOKEN}@github.com/org/repo.git"
    assert redact(text) == text


def test_url_without_userinfo_is_left_alone() -> None:
    assert redact("https://pkgs.example/simple") == "https://pkgs.example/simple"
    assert redact("user:pw@host") == "user:pw@host"


def test_collapse_squeezes_continued_lines() -> None:
    assert redact("pkg  \\\n   >=1", collapse=True) == "pkg \\ >=1"
