"""One redaction for everything the build prints or stores."""

from __future__ import annotations

import base64

from python_buildpack.redaction import Redactor, redact, url_credentials


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


# --- the build's Redactor: URL userinfo, and the secret values it was given ---------


def test_a_secret_value_is_hidden_wherever_it_appears_not_only_in_urls() -> None:
    redactor = Redactor()
    redactor.add("fury_9Hs2Kd8Lq1Wm3Nz7Xc5Vb4")
    text = "Looking in indexes: https://pypi.fury.io/fury_9Hs2Kd8Lq1Wm3Nz7Xc5Vb4/org/"
    assert redactor(text) == "Looking in indexes: https://pypi.fury.io/****/org/"


def test_a_secret_is_hidden_percent_encoded_and_decoded() -> None:
    redactor = Redactor()
    redactor.add("s3cr3t%2FPa%2Bss")  # as a URL must hold it
    text = "decoded s3cr3t/Pa+ss, encoded s3cr3t%2FPa%2Bss"
    assert redactor(text) == "decoded ****, encoded ****"
    other = Redactor()
    other.add("s3cr3t/Pa+ss")  # as written, without encoding
    assert other("in a URL path: /s3cr3t%2FPa%2Bss/") == "in a URL path: /****/"


def test_a_secret_is_hidden_in_base64_as_a_basic_auth_header_carries_it() -> None:
    redactor = Redactor()
    redactor.add("ghp_7Xq2Lm9Rt4Vw8Yz1Ab3C")
    header = "Basic " + base64.b64encode(b"ghp_7Xq2Lm9Rt4Vw8Yz1Ab3C:").decode()
    # Matched without its padding, as it would be inside a longer base64 text.
    assert redactor(f"Authorization: {header}") == "Authorization: Basic ****=="
    alone = base64.b64encode(b"ghp_7Xq2Lm9Rt4Vw8Yz1Ab3C").decode()
    assert alone not in redactor(f"token={alone}")


def test_a_user_password_pair_hides_the_password_alone_too_but_not_the_user() -> None:
    redactor = Redactor()
    redactor.add("deploy:hunter2secret")
    assert redactor("user deploy, password hunter2secret") == "user deploy, password ****"
    assert redactor("deploy:hunter2secret") == "****"


def test_a_url_value_hides_its_credentials_wherever_they_appear() -> None:
    redactor = Redactor()
    redactor.add("https://deploy:hunter2secret@pkgs.example/simple/")
    assert redactor("git said: hunter2secret") == "git said: ****"


def test_short_values_are_never_hidden_so_the_log_stays_readable() -> None:
    redactor = Redactor()
    for value in ("1", "true", "off", "3.12", "abcde"):
        redactor.add(value)
    text = "PIP_NO_INDEX=1 is true for Python 3.12, abcde"
    assert redactor(text) == text
    # A short password is still hidden inside a URL, by the URL rule.
    assert redactor("https://u:abcde@host/") == "https://u:****@host/"


def test_the_longest_secret_is_hidden_whole() -> None:
    redactor = Redactor()
    redactor.add("abcdef1234")
    redactor.add("abcdef1234567890")
    assert redactor("x abcdef1234567890 y abcdef1234 z") == "x **** y **** z"


def test_a_redactor_without_secrets_is_the_url_rule() -> None:
    text = "pkg @ git+https://ghp_s3cr3t@github.com/org/repo.git@main, ${TOKEN}, 127.0.0.1"
    assert Redactor()(text) == redact(text)


def test_url_credentials_are_the_userinfo_of_every_url() -> None:
    text = "https://deploy:pw%40x@a.example/simple http://tok3n@b.example/ https://c.example/"
    assert url_credentials(text) == [("deploy", "pw%40x"), ("", "tok3n")]
