from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack.errors import (
    BuildpackError,
    BuildWarning,
    MisspelledVersionFile,
    PythonVersionEndOfLife,
    PythonVersionFileInvalid,
    PythonVersionFileMultipleVersions,
    PythonVersionFileNoVersion,
    PythonVersionUnknown,
    RuntimeTxtInvalid,
    VersionFileEncoding,
)
from python_buildpack.python_version import (
    DEFAULT_PYTHON_VERSION,
    LATEST_PATCH,
    SUPPORTED,
    VERSION_TABLE_FILE,
    RequestedPythonVersion,
    ResolvedPythonVersion,
    VersionOrigin,
    parse_python_version_file,
    parse_runtime_txt,
    parse_version_table,
    read_requested_python_version,
    resolve_python_version,
    version_warnings,
)


def message(error: BuildpackError) -> str:
    return f"{error.title()}\n{error.body()}"


def file_request(major: int, minor: int, patch: int | None = None) -> RequestedPythonVersion:
    return RequestedPythonVersion(
        major, minor, patch, VersionOrigin.PYTHON_VERSION_FILE, ".python-version"
    )


# --- .python-version -------------------------------------------------------------


def test_python_version_file_with_major_version_is_read() -> None:
    assert parse_python_version_file("3.12\n") == file_request(3, 12)


def test_python_version_file_with_exact_version_comments_and_windows_line_endings() -> None:
    text = "# The app runs on this Python\r\n\r\n\t 3.12.7  \r\n# end\r\n"
    requested = parse_python_version_file(text)
    assert requested == file_request(3, 12, 7)
    assert str(requested) == "3.12.7"
    assert requested.major_minor == "3.12"


def test_python_version_file_without_trailing_newline_is_read() -> None:
    assert parse_python_version_file("3.13") == file_request(3, 13)


@pytest.mark.parametrize(
    ("line", "suggestion"),
    [
        ("python-3.12", "3.12"),
        ("3.12.x", "3.12"),
        ("3", "3.14"),
        ("system", "3.14"),
        ("pypy3.10", "3.10"),
        ("3.12 # newest", "3.12"),
        ("03.12", "3.12"),
        ("v3.11", "3.11"),
        ("3.12.", "3.12"),
        ('"3.13"', "3.13"),
        ("3.12.7.1", "3.12"),
        ("python2.7", "3.14"),
    ],
)
def test_python_version_file_with_invalid_syntax_is_refused_with_a_fix(
    line: str, suggestion: str
) -> None:
    with pytest.raises(PythonVersionFileInvalid) as caught:
        parse_python_version_file(f"# pinned\n{line}\n")
    error = caught.value
    assert error.failure_reason == "python_version_file_invalid"
    assert error.line == line
    assert error.suggestion == suggestion
    text = message(error)
    assert ".python-version" in text
    assert f"'{line}'" in text
    assert text.rstrip().endswith(f"contains only:\n{suggestion}")


def test_python_version_file_naming_pypy_says_pypy_is_not_supported() -> None:
    with pytest.raises(PythonVersionFileInvalid) as caught:
        parse_python_version_file("pypy3.10")
    assert "PyPy" in caught.value.body()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("3.12\t# newest", "'3.12\\t# newest'"),
        ("3.12\x00", "'3.12\\x00'"),
        ("3.1\u200b2", "'3.1\\u200b2'"),
        ("\ufeff3.12", "'\\ufeff3.12'"),
        ("3.12\u00a0", "'3.12\\xa0'"),
    ],
)
def test_python_version_file_with_invisible_characters_shows_them(text: str, shown: str) -> None:
    with pytest.raises(PythonVersionFileInvalid) as caught:
        parse_python_version_file(text)
    assert shown in caught.value.body()


def test_python_version_file_with_two_versions_is_refused() -> None:
    with pytest.raises(PythonVersionFileMultipleVersions) as caught:
        parse_python_version_file("3.12\n# fallback\n3.11\t\n")
    error = caught.value
    assert error.failure_reason == "python_version_file_multiple_versions"
    assert list(error.lines) == ["3.12", "3.11\t"]
    assert "'3.12'\n  '3.11\\t'" in error.body()
    assert ".python-version" in message(error)


@pytest.mark.parametrize("text", ["", "\n\n", "   \n", "# 3.12\n", "  # only a comment\n"])
def test_python_version_file_without_a_version_is_refused(text: str) -> None:
    with pytest.raises(PythonVersionFileNoVersion) as caught:
        parse_python_version_file(text)
    assert caught.value.failure_reason == "python_version_file_no_version"
    assert ".python-version" in message(caught.value)
    assert 'echo "3.14" > .python-version' in caught.value.body()


# --- runtime.txt -----------------------------------------------------------------


# The valid file of classic's spec/fixtures/runtime_txt_and_python_version_file.
CLASSIC_RUNTIME_TXT = (
    "# Comments are supported\n"
    "    # Even when indented\n"
    "\n"
    "# This version should be ignored, since it's commented out\n"
    "# 2.7.18\n"
    "  \n"
    "  python-3.13  \n"
    "  "
)
# Its invalid twin (spec/fixtures/runtime_txt_invalid_version): a zero-width space,
# an escape character and NULs around the version.
CLASSIC_INVALID_RUNTIME_TXT = (
    "# Comments are supported\n"
    "    # Even when indented\n"
    "\n"
    "# 2.7.18\n"
    "   \n"
    "  \u200bpython-3.12.0\x1b  \n"
    "\x00\x00\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("python-3.12.7", (3, 12, 7)),
        ("python-3.12", (3, 12, None)),
        ("  python-3.11.4\n\n", (3, 11, 4)),
        ("python-3.13.0\r\n", (3, 13, 0)),
        (CLASSIC_RUNTIME_TXT, (3, 13, None)),
        ("python-3.12.7\n# pinned", (3, 12, 7)),
        ("\t# why\r\n\r\npython-3.14.7\t\r\n", (3, 14, 7)),
        ("\u3000python-3.12\u2003\n", (3, 12, None)),
    ],
)
def test_runtime_txt_is_read(text: str, expected: tuple[int, int, int | None]) -> None:
    requested = parse_runtime_txt(text)
    assert (requested.major, requested.minor, requested.patch) == expected
    assert requested.origin is VersionOrigin.RUNTIME_TXT
    assert requested.origin_file == "runtime.txt"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("3.12.7", "'3.12.7'"),
        ("python 3.12.7", "'python 3.12.7'"),
        ("Python-3.12.7", "'Python-3.12.7'"),
        ("python-3.12.7\n# pinned\npython-3.13", "'python-3.12.7'\n  'python-3.13'"),
        ("python-3.12.7 # pinned", "'python-3.12.7 # pinned'"),
        ("", "''"),
        ("# python-3.12\n", "'# python-3.12'"),
        ("\u00a0python-3.12", "'\\xa0python-3.12'"),
        ("python-3.12.x", "'python-3.12.x'"),
        ("python-3.12.7\x00", "'python-3.12.7\\x00'"),
        ("python-\t3.12", "'python-\\t3.12'"),
        ("pypy3.10-7.3.12", "'pypy3.10-7.3.12'"),
    ],
)
def test_runtime_txt_with_invalid_content_is_refused(text: str, shown: str) -> None:
    with pytest.raises(RuntimeTxtInvalid) as caught:
        parse_runtime_txt(text)
    error = caught.value
    assert error.failure_reason == "runtime_txt_invalid"
    body = error.body()
    assert "runtime.txt" in error.title()
    assert shown in body
    assert "> .python-version" in body


def test_runtime_txt_with_invisible_characters_is_refused_as_classic_does() -> None:
    with pytest.raises(RuntimeTxtInvalid) as caught:
        parse_runtime_txt(CLASSIC_INVALID_RUNTIME_TXT)
    body = caught.value.body()
    assert "'\\u200bpython-3.12.0\\x1b'" in body
    assert "Even when indented" not in body
    assert 'echo "3.12" > .python-version' in body


def test_runtime_txt_with_invalid_version_suggests_the_same_major() -> None:
    with pytest.raises(RuntimeTxtInvalid) as caught:
        parse_runtime_txt("python 3.11.4")
    assert 'echo "3.11" > .python-version' in caught.value.body()


# --- reading the app's files ---------------------------------------------------------


def test_runtime_txt_wins_over_python_version_file(tmp_path: Path) -> None:
    (tmp_path / "runtime.txt").write_text("python-3.11.9\n")
    (tmp_path / ".python-version").write_text("3.13\n")
    requested = read_requested_python_version(tmp_path)
    assert requested == RequestedPythonVersion(3, 11, 9, VersionOrigin.RUNTIME_TXT, "runtime.txt")


def test_commented_runtime_txt_wins_over_an_end_of_life_python_version_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "runtime.txt").write_text(CLASSIC_RUNTIME_TXT)
    (tmp_path / ".python-version").write_text("# runtime.txt takes precedence over this.\n3.9\n")
    requested = read_requested_python_version(tmp_path)
    assert requested == RequestedPythonVersion(
        3, 13, None, VersionOrigin.RUNTIME_TXT, "runtime.txt"
    )
    assert str(resolve_python_version(requested)) == "3.13.15"


def test_python_version_file_is_read_from_the_app(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("3.12\n")
    assert read_requested_python_version(tmp_path) == file_request(3, 12)


def test_app_without_version_file_gets_the_default(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("")
    requested = read_requested_python_version(tmp_path)
    assert requested == DEFAULT_PYTHON_VERSION
    assert requested.origin is VersionOrigin.DEFAULT
    assert requested.origin_file is None
    assert str(requested) == "3.14"


def test_invalid_python_version_file_in_app_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("python-3.12\n")
    with pytest.raises(PythonVersionFileInvalid):
        read_requested_python_version(tmp_path)


@pytest.mark.parametrize(
    ("data", "kind", "shown"),
    [
        (b"\xef\xbb\xbf3.12\n", "utf8_bom", "\\ufeff3.12\\n"),
        ("3.12\n".encode("utf-16"), "utf16", "\\xff\\xfe3\\x00.\\x00"),
        ("\ufeff3.12".encode("utf-16-be"), "utf16", "\\xfe\\xff\\x003\\x00.\\x001"),
        ("3.12\n".encode("utf-16-le"), "nul", "3\\x00.\\x001\\x00"),
        (b"3.12\xa0\n", "invalid_utf8", "3.12\\xa0\\n"),
    ],
)
def test_python_version_file_in_a_wrong_encoding_is_refused(
    tmp_path: Path, data: bytes, kind: str, shown: str
) -> None:
    (tmp_path / ".python-version").write_bytes(data)
    with pytest.raises(VersionFileEncoding) as caught:
        read_requested_python_version(tmp_path)
    error = caught.value
    assert error.failure_reason == "version_file_encoding"
    assert error.kind == kind
    assert "'.python-version'" in error.title()
    assert shown in error.body()
    assert "UTF-8 without a BOM" in error.body()
    assert 'echo "3.12" > .python-version' in error.body()


def test_runtime_txt_saved_as_utf16_names_runtime_txt(tmp_path: Path) -> None:
    (tmp_path / "runtime.txt").write_bytes("python-3.11.9".encode("utf-16"))
    with pytest.raises(VersionFileEncoding) as caught:
        read_requested_python_version(tmp_path)
    assert caught.value.file == "runtime.txt"
    assert "'runtime.txt' is saved as UTF-16" in caught.value.title()
    assert 'echo "3.11" > .python-version' in caught.value.body()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".python_version", ".python-version"),
        ("python-version", ".python-version"),
        (".python-version.txt", ".python-version"),
        (".Python-version", ".python-version"),
        (".python-version\r", ".python-version"),
        ("runtime.text", "runtime.txt"),
        ("runtime", "runtime.txt"),
        (".runtime.txt", "runtime.txt"),
        ("Runtime.txt", "runtime.txt"),
    ],
)
def test_misspelled_version_file_is_refused(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / name).write_text("3.12\n")
    with pytest.raises(MisspelledVersionFile) as caught:
        read_requested_python_version(tmp_path)
    error = caught.value
    assert error.failure_reason == "version_file_misspelled"
    assert (error.found, error.expected) == (name, expected)
    text = message(error)
    assert f"did you mean '{expected}'" in text
    shown = name.replace("\r", "\\r")
    assert f"'{shown}'" in error.title()
    assert 'echo "3.12" > .python-version' in text or "git mv" in text


def test_misspelled_file_is_ignored_when_python_version_file_exists(tmp_path: Path) -> None:
    (tmp_path / ".python-version").write_text("3.13\n")
    (tmp_path / "runtime.text").write_text("python-3.11.9\n")
    assert read_requested_python_version(tmp_path) == file_request(3, 13)


def test_script_named_runtime_is_not_taken_for_a_version_file(tmp_path: Path) -> None:
    (tmp_path / "runtime").write_text("#!/bin/sh\nexec gunicorn app:app\n")
    assert read_requested_python_version(tmp_path) == DEFAULT_PYTHON_VERSION


def test_directory_named_like_a_version_file_is_not_refused(tmp_path: Path) -> None:
    (tmp_path / "runtime").mkdir()
    (tmp_path / "runtime" / "3.12").write_text("")
    assert read_requested_python_version(tmp_path) == DEFAULT_PYTHON_VERSION


# --- resolving ---------------------------------------------------------------------


@pytest.mark.parametrize(("major", "minor"), sorted(LATEST_PATCH))
def test_major_version_resolves_to_the_newest_patch(major: int, minor: int) -> None:
    resolved = resolve_python_version(file_request(major, minor))
    assert resolved == ResolvedPythonVersion(major, minor, LATEST_PATCH[(major, minor)])


def test_version_table_is_classic_v351() -> None:
    assert {f"{a}.{b}.{p}" for (a, b), p in LATEST_PATCH.items()} == {
        "3.10.21",
        "3.11.16",
        "3.12.14",
        "3.13.15",
        "3.14.7",
    }


def test_major_version_alone_resolves_to_its_newest_patch() -> None:
    assert str(resolve_python_version(file_request(3, 13))) == "3.13.15"
    assert str(resolve_python_version(parse_runtime_txt("python-3.13"))) == "3.13.15"


def test_pinned_newest_patch_resolves_without_a_warning() -> None:
    requested = parse_python_version_file("3.14.7\n")
    assert resolve_python_version(requested) == ResolvedPythonVersion(3, 14, 7)
    assert version_warnings(requested) == []


def test_version_table_is_read_from_its_data_file() -> None:
    table = parse_version_table(VERSION_TABLE_FILE.read_text(encoding="utf-8"))
    assert table == SUPPORTED
    assert {k: v.latest_patch for k, v in table.items()} == LATEST_PATCH
    assert table[(3, 10)].end_of_life == "October 2026"
    assert table[(3, 10)].support_ends == "6 January 2027"
    assert [k for k, v in table.items() if v.end_of_life] == [(3, 10)]


@pytest.mark.parametrize(
    "entry",
    ['"3.13": {"latest": "3.12.1"}', '"3.13": {"latest": "3.13"}', '"3.13": {}'],
)
def test_malformed_version_table_is_refused(entry: str) -> None:
    with pytest.raises((ValueError, KeyError)):
        parse_version_table(f'{{"versions": {{{entry}}}}}')


def test_default_version_is_the_newest_supported_major() -> None:
    resolved = resolve_python_version(DEFAULT_PYTHON_VERSION)
    assert str(resolved) == "3.14.7"
    assert resolved.major_minor == "3.14"


def test_exact_version_is_used_as_given() -> None:
    assert str(resolve_python_version(file_request(3, 12, 2))) == "3.12.2"
    assert str(resolve_python_version(file_request(3, 13, 99))) == "3.13.99"


@pytest.mark.parametrize(
    ("major", "minor", "patch"), [(3, 9, None), (3, 9, 18), (2, 7, 18), (3, 0, None)]
)
def test_end_of_life_python_is_refused(major: int, minor: int, patch: int | None) -> None:
    with pytest.raises(PythonVersionEndOfLife) as caught:
        resolve_python_version(file_request(major, minor, patch))
    error = caught.value
    assert error.failure_reason == "python_version_eol"
    requested = f"{major}.{minor}" + ("" if patch is None else f".{patch}")
    assert f"Python {requested} has reached end-of-life" in error.title()
    assert "'.python-version'" in error.body()
    assert "3.10, 3.11, 3.12, 3.13, 3.14" in error.body()


def test_end_of_life_python_in_runtime_txt_names_runtime_txt() -> None:
    with pytest.raises(PythonVersionEndOfLife) as caught:
        resolve_python_version(parse_runtime_txt("python-3.8.10"))
    assert "'runtime.txt'" in caught.value.body()


@pytest.mark.parametrize(("major", "minor", "patch"), [(3, 15, None), (3, 999, None), (4, 0, 0)])
def test_unknown_python_is_refused(major: int, minor: int, patch: int | None) -> None:
    with pytest.raises(PythonVersionUnknown) as caught:
        resolve_python_version(file_request(major, minor, patch))
    error = caught.value
    assert error.failure_reason == "python_version_unknown"
    assert f"Python {major}.{minor}" in error.title()
    assert "3.10, 3.11, 3.12, 3.13, 3.14" in error.body()
    assert 'echo "3.14" > .python-version' in error.body()


# --- warnings ----------------------------------------------------------------------


def titles(warnings: list[BuildWarning]) -> list[str]:
    return [warning.title() for warning in warnings]


def test_runtime_txt_is_reported_as_deprecated_with_the_replacement() -> None:
    warnings = version_warnings(parse_runtime_txt("python-3.12.14"))
    assert titles(warnings) == ["The runtime.txt file is deprecated."]
    assert 'echo "3.12" > .python-version' in warnings[0].body()
    assert "https://devcenter.heroku.com/changelog-items/3141" in warnings[0].body()
    assert "this warning will then\nbecome an error" in warnings[0].body()


def test_old_exact_patch_in_runtime_txt_is_reported_with_the_newer_release() -> None:
    warnings = version_warnings(parse_runtime_txt("python-3.13.2"))
    assert titles(warnings) == [
        "The runtime.txt file is deprecated.",
        "A newer patch release of Python 3.13 is available.",
    ]
    assert "runtime.txt pins Python 3.13.2, but 3.13.15 is out" in warnings[1].body()


def test_default_version_recommends_a_python_version_file() -> None:
    warnings = version_warnings(DEFAULT_PYTHON_VERSION)
    assert titles(warnings) == ["No Python version was specified."]
    assert 'echo "3.14" > .python-version' in warnings[0].body()


def test_old_exact_patch_in_python_version_file_recommends_the_major_form() -> None:
    warnings = version_warnings(file_request(3, 12, 7))
    assert titles(warnings) == ["A newer patch release of Python 3.12 is available."]
    assert "3.12.7" in warnings[0].body()
    assert "3.12.14" in warnings[0].body()
    assert 'echo "3.12" > .python-version' in warnings[0].body()


@pytest.mark.parametrize("patch", [None, 14, 15])
def test_current_python_version_file_gives_no_warning(patch: int | None) -> None:
    assert version_warnings(file_request(3, 12, patch)) == []


def test_python_3_10_is_reported_as_deprecated_with_the_dates_from_the_table() -> None:
    warnings = version_warnings(file_request(3, 10))
    assert titles(warnings) == ["Support for Python 3.10 is deprecated."]
    body = warnings[0].body()
    assert "end-of-life of Python 3.10 is October 2026" in body
    assert "stop supporting it on 6 January 2027" in body
    assert 'echo "3.14" > .python-version' in body
