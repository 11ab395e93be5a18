"""Reading the build log: the buildpack's error message, as a user sees it."""

from __future__ import annotations

from support.buildpack import Result

ERROR_MARK = " !     Error: "


def error_title(result: Result) -> str:
    """The first line of the buildpack's error message (after ` !     Error: `)."""
    for line in result.output.splitlines():
        if line.startswith(ERROR_MARK):
            return line[len(ERROR_MARK) :]
    raise AssertionError(f"no error message in the output:\n{result}")


def error_block(result: Result) -> str:
    """The error message, with the ` !     ` marks removed."""
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(ERROR_MARK))
    block = []
    for line in lines[start:]:
        if not line.startswith(" !"):
            break
        block.append(line[7:])
    return "\n".join(block)


def assert_user_error(result: Result, title: str) -> None:
    """Exit 1, the given first line, no traceback, no 'Internal error'."""
    assert result.returncode == 1, str(result)
    assert error_title(result) == title, str(result)
    assert "Traceback" not in result.output, str(result)
    assert "Internal error" not in result.output, str(result)
