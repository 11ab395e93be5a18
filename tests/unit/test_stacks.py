"""Which stacks a build accepts, and the runtime archives each one downloads. The
expected names are written out here (classic v351, lib/checks.sh and lib/python.sh),
not read from the buildpack."""

from __future__ import annotations

import pytest

from python_buildpack.context import resolve_stack
from python_buildpack.errors import StackEndOfLife, UnsupportedStack
from python_buildpack.runtime import archive_name


@pytest.mark.parametrize(
    ("stack", "archive"),
    [
        ("heroku-22", "python-3.13.15-ubuntu-22.04-amd64.tar.zst"),
        ("heroku-24", "python-3.13.15-ubuntu-24.04-amd64.tar.zst"),
        ("heroku-26", "python-3.13.15-ubuntu-26.04-amd64.tar.zst"),
    ],
)
def test_app_on_a_current_stack_gets_the_runtime_built_for_its_ubuntu_release(
    stack: str, archive: str
) -> None:
    resolved = resolve_stack({"STACK": stack})
    assert (resolved.name, resolved.is_default) == (stack, False)
    assert archive_name("3.13.15", resolved.ubuntu, "amd64") == archive


def test_build_without_stack_uses_the_default_and_says_so() -> None:
    resolved = resolve_stack({})
    assert (resolved.name, resolved.is_default) == ("heroku-24", True)


@pytest.mark.parametrize("stack", ["cedar", "cedar-14", "heroku-16", "heroku-18", "heroku-20"])
def test_app_on_an_end_of_life_stack_is_told_to_move_to_a_supported_one(stack: str) -> None:
    with pytest.raises(StackEndOfLife) as caught:
        resolve_stack({"STACK": stack})
    error = caught.value
    assert error.failure_reason == "stack_end_of_life"
    assert error.title() == f"The '{stack}' stack is no longer supported."
    body = error.body()
    assert "end-of-life" in body
    assert "https://devcenter.heroku.com/articles/stack#stack-support-details" in body
    assert "(heroku-22, heroku-24 and heroku-26)" in body
    assert "heroku stack:set heroku-26" in body


@pytest.mark.parametrize("stack", ["heroku-28", "Heroku-24", "heroku-24 ", "ubuntu-24.04", "h\tx"])
def test_app_on_an_unknown_stack_is_told_which_stacks_exist(stack: str) -> None:
    with pytest.raises(UnsupportedStack) as caught:
        resolve_stack({"STACK": stack})
    error = caught.value
    assert error.failure_reason == "unsupported_stack"
    shown = stack.replace("\t", "\\t")
    assert error.title() == f"The '{shown}' stack isn't recognised."
    body = error.body()
    assert "heroku-22, heroku-24 and heroku-26" in body
    assert "newest\nrelease of this buildpack" in body
    assert "leave it unset\nto build for heroku-24." in body
