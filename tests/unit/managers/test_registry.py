"""The package managers' registry: one entry and one class per manager, and the
config vars each refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack.errors import ManagerConfigVarRefused
from python_buildpack.managers import registry
from python_buildpack.managers.base import PackageManager
from python_buildpack.managers.lockfile import Pipenv, Poetry, Uv
from python_buildpack.managers.pip.manager import Pip
from python_buildpack.managers.selection import for_app, manager_class


def test_each_manager_is_one_entry_and_one_class() -> None:
    classes = [manager_class(entry) for entry in registry.MANAGERS]
    assert classes == [Pip, Pipenv, Poetry, Uv]
    assert [cls.entry for cls in classes] == list(registry.MANAGERS)


@pytest.mark.parametrize(
    ("files", "manager"),
    [
        (("requirements.txt", "pyproject.toml"), Pip),
        (("Pipfile", "Pipfile.lock", "requirements-dev.txt"), Pipenv),
        (("pyproject.toml", "poetry.lock"), Poetry),
        (("pyproject.toml", "uv.lock", ".python-version"), Uv),
    ],
)
def test_the_apps_one_package_manager_file_picks_the_manager(
    tmp_path: Path, files: tuple[str, ...], manager: type[PackageManager[object]]
) -> None:
    for name in files:
        (tmp_path / name).write_text("")
    assert for_app(tmp_path) is manager


# How the errors name each manager.
SAID: dict[type[PackageManager[object]], str] = {Uv: "uv", Poetry: "Poetry", Pipenv: "Pipenv"}


@pytest.mark.parametrize(
    ("manager", "name"),
    [
        (Uv, "UV_PROJECT_ENVIRONMENT"),
        (Uv, "VIRTUAL_ENV"),
        (Uv, "UV_FROZEN"),
        (Poetry, "POETRY_VIRTUALENVS_CREATE"),
        (Poetry, "POETRY_VIRTUALENVS_OPTIONS_SYSTEM_SITE_PACKAGES"),
        (Pipenv, "PIPENV_VENV_IN_PROJECT"),
        (Pipenv, "PIPENV_PIPFILE"),
    ],
)
def test_config_vars_that_install_elsewhere_are_refused(
    manager: type[PackageManager[object]], name: str
) -> None:
    with pytest.raises(ManagerConfigVarRefused) as caught:
        manager.check_config_vars({name: "x", "WEB_CONCURRENCY": "2"})
    assert caught.value.name == name
    assert caught.value.title() == (f"The config var {name} is not supported with {SAID[manager]}.")
    assert f"heroku config:unset {name}" in caught.value.body()


def test_harmless_config_vars_pass() -> None:
    Uv.check_config_vars({"UV_INDEX_URL": "https://mirror/simple", "POETRY_X": "1"})
    Poetry.check_config_vars({"POETRY_HTTP_BASIC_PRIVATE_PASSWORD": "secret"})
    Pipenv.check_config_vars({"PIP_EXTRA_INDEX_URL": "https://mirror/simple"})
    Pip.check_config_vars({"VIRTUAL_ENV": "/x", "UV_FROZEN": "1"})
