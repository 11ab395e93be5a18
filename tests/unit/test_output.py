"""The build log in the conventions Heroku users read: `-----> Step`, output
indented seven spaces, ` !     ` before warnings and errors."""

from __future__ import annotations

import io
from dataclasses import dataclass

from python_buildpack.errors import BuildWarning, UnsafeConfigVar
from python_buildpack.output import Output


@dataclass(frozen=True)
class Worded(BuildWarning):
    """Any warning: its title and body as given."""

    given_title: str
    given_body: str

    def title(self) -> str:
        return self.given_title

    def body(self) -> str:
        return self.given_body


def log() -> tuple[Output, io.StringIO]:
    stream = io.StringIO()
    return Output(stream), stream


def test_step_has_the_arrow_prefix() -> None:
    out, stream = log()
    out.step("Installing dependencies using pip")
    assert stream.getvalue() == "-----> Installing dependencies using pip\n"


def test_multiline_info_is_indented_line_by_line_without_trailing_spaces() -> None:
    out, stream = log()
    out.info("Discarding:\n\n- one  ")
    out.info()
    assert stream.getvalue() == "       Discarding:\n\n       - one\n\n"


def test_lines_are_each_indented() -> None:
    out, stream = log()
    out.lines(f"- {reason}" for reason in ["The stack changed", "six was removed"])
    assert stream.getvalue() == "       - The stack changed\n       - six was removed\n"


def test_tool_output_is_indented_as_it_arrives() -> None:
    out, stream = log()
    out.stream_line("Collecting six==1.16.0\n")
    out.stream_line("  Downloading six.whl   \r\n")
    assert stream.getvalue() == "       Collecting six==1.16.0\n         Downloading six.whl\n"


def test_warning_is_marked_and_set_apart_by_blank_lines() -> None:
    out, stream = log()
    out.warning(Worded("No Python version was specified.", "Using Python 3.12.\n\nPin it."))
    assert stream.getvalue() == (
        "\n"
        " !     Warning: No Python version was specified.\n"
        " !\n"
        " !     Using Python 3.12.\n"
        " !\n"
        " !     Pin it.\n"
        "\n"
    )


def test_warning_without_a_body_is_one_marked_line() -> None:
    out, stream = log()
    out.warning(Worded("Something odd.", ""))
    assert stream.getvalue() == "\n !     Warning: Something odd.\n\n"


def test_error_shows_the_errors_title_and_body_marked() -> None:
    out, stream = log()
    out.error(UnsafeConfigVar("PIP_TARGET"))
    lines = stream.getvalue().split("\n")
    assert lines[:3] == ["", " !     Error: The config var PIP_TARGET is not supported.", " !"]
    assert lines[-3:] == [
        " !     Remove it, for example with: heroku config:unset PIP_TARGET",
        "",
        "",
    ]
    assert all(line.startswith(" !") for line in lines[1:-2])


def test_raw_text_is_written_untouched() -> None:
    out, stream = log()
    out.raw("as is\n  kept  ")
    assert stream.getvalue() == "as is\n  kept  "
