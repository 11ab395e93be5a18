"""Poetry's Python constraints, read without Poetry (poetry-core's rules)."""

from __future__ import annotations

import pytest

from python_buildpack.errors import LockfileInvalid
from python_buildpack.lockfiles.poetry import poetry_python_allows


@pytest.mark.parametrize(
    ("constraint", "version", "allowed"),
    [
        ("^3.12", "3.12.7", True),
        ("^3.12", "3.13.1", True),
        ("^3.12", "3.11.9", False),
        ("^3.12", "4.0.0", False),
        ("^3", "3.14.0", True),
        ("^0.2", "0.3.0", False),
        ("~3.11", "3.11.7", True),
        ("~3.11", "3.12.0", False),
        ("~3", "3.13.0", True),
        ("~=3.11", "3.12.1", True),
        (">=3.10,<4", "3.13.1", True),
        (">=3.10 <3.12", "3.12.1", False),
        ("3.11.*", "3.11.7", True),
        ("3.11", "3.11.7", True),
        ("3.11.7", "3.11.8", False),
        ("~3.11 || ^3.13", "3.12.0", False),
        ("~3.11 || ^3.13", "3.13.0", True),
        ("*", "3.14.0", True),
    ],
)
def test_poetry_constraints_read_as_poetry_does(
    constraint: str, version: str, allowed: bool
) -> None:
    assert poetry_python_allows(constraint, version) is allowed


def test_a_constraint_poetry_cannot_read_either_is_a_user_error() -> None:
    with pytest.raises(LockfileInvalid, match="invalid Python constraint"):
        poetry_python_allows(">=three", "3.12.0")
