"""The build log, in the conventions Heroku users read every day.

`-----> Step`, tool output indented seven spaces, ` !     ` before warnings and
errors. Only the CLI layer creates an `Output`; everything else is handed one.
Every character written goes through the build's `Redactor` first, tool output
included: no caller has to remember to hide a secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from .errors import BuildpackError, BuildWarning
from .redaction import Redactor

INDENT = "       "
MARK = " !     "


class Output:
    def __init__(self, stream: TextIO, redactor: Redactor | None = None) -> None:
        self._stream = stream
        # Without one, URL userinfo is still hidden; the CLI hands every Output of
        # a build the same Redactor, which learns the build's secret values.
        self.redactor = redactor or Redactor()

    def _write(self, text: str) -> None:
        # Lines are written whole (a step, a tool's line, a whole message), so a
        # secret is never split across two writes.
        self._stream.write(self.redactor(text))
        self._stream.flush()

    def step(self, text: str) -> None:
        self._write(f"-----> {text}\n")

    def info(self, text: str = "") -> None:
        self._write("".join(f"{INDENT}{line}".rstrip() + "\n" for line in text.split("\n")))

    def lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.info(line)

    def stream_line(self, line: str) -> None:
        """One line of a tool's output, indented as it arrives."""
        self._write(f"{INDENT}{line.rstrip()}\n")

    def _marked(self, kind: str, title: str, body: str) -> None:
        text = f"{kind}: {title}\n\n{body}".rstrip("\n")
        self._write("".join(f"{MARK}{line}".rstrip() + "\n" for line in text.split("\n")))

    def warning(self, warning: BuildWarning | BuildpackError) -> None:
        """A warning (errors/build_warnings.py), or an error the build goes on after."""
        self._write("\n")
        self._marked("Warning", warning.title(), warning.body())
        self._write("\n")

    def error(self, error: BuildpackError) -> None:
        self._write("\n")
        self._marked("Error", error.title(), error.body())
        self._write("\n")

    def raw(self, text: str) -> None:
        self._write(text)
