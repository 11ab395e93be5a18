"""Config vars from ENV_DIR, and the explicit environment every command gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack import config
from python_buildpack.errors import UnreadableConfigVar, UnsafeConfigVar

HOST = {
    "PATH": "/usr/local/bin:/usr/bin",
    "HOME": "/home/builder",
    "PIP_INDEX_URL": "https://builder-machine.example/simple",
    "PIP_CERT": "/etc/ssl/builder.pem",
    "HTTPS_PROXY": "http://proxy.example:3128",
}


def env_dir(root: Path, values: dict[str, bytes]) -> Path:
    root.mkdir()
    for name, value in values.items():
        (root / name).write_bytes(value)
    return root


def test_config_vars_are_read_one_file_each_with_exact_values(tmp_path: Path) -> None:
    directory = env_dir(
        tmp_path / "env",
        {"PIP_INDEX_URL": b"https://u:p@pkgs.example/simple", "MULTILINE": b"a\nb\n"},
    )
    assert config.read_config_vars(directory) == {
        "MULTILINE": "a\nb\n",
        "PIP_INDEX_URL": "https://u:p@pkgs.example/simple",
    }


def test_files_that_cannot_be_config_var_names_are_ignored(tmp_path: Path) -> None:
    directory = env_dir(
        tmp_path / "env", {"GOOD_1": b"x", ".hidden": b"x", "1BAD": b"x", "with-dash": b"x"}
    )
    (directory / "SUBDIR").mkdir()
    assert config.read_config_vars(directory) == {"GOOD_1": "x"}


def test_no_env_dir_means_no_config_vars(tmp_path: Path) -> None:
    assert config.read_config_vars(None) == {}
    assert config.read_config_vars(tmp_path / "missing") == {}


def test_config_var_that_is_not_text_is_refused_by_name(tmp_path: Path) -> None:
    directory = env_dir(tmp_path / "env", {"BINARY_KEY": b"\xff\xfe\x00"})
    with pytest.raises(UnreadableConfigVar) as caught:
        config.read_config_vars(directory)
    assert caught.value.name == "BINARY_KEY"
    assert caught.value.failure_reason == "unreadable_config_var"
    assert "utf-8" in caught.value.reason


@pytest.mark.parametrize("name", ["PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_ROOT"])
def test_pip_config_var_that_installs_outside_the_app_is_refused(name: str) -> None:
    with pytest.raises(UnsafeConfigVar) as caught:
        config.check_config_vars({"PIP_INDEX_URL": "https://x", name: "1"})
    assert caught.value.name == name
    assert f"heroku config:unset {name}" in caught.value.body()


def test_ordinary_pip_config_vars_are_accepted() -> None:
    config.check_config_vars({"PIP_INDEX_URL": "https://x", "PIP_NO_BINARY": ":all:"})


def test_host_pip_settings_never_reach_the_apps_commands() -> None:
    env = config.command_env(HOST, {})
    assert "PIP_INDEX_URL" not in env
    assert env["PIP_CERT"] == "/etc/ssl/builder.pem"  # trust, not what to install
    assert env["HTTPS_PROXY"] == "http://proxy.example:3128"
    assert env["HOME"] == "/home/builder"


def test_apps_own_pip_cert_wins_over_the_hosts() -> None:
    env = config.command_env(HOST, {"PIP_CERT": "/app/certs/corp.pem"})
    assert env["PIP_CERT"] == "/app/certs/corp.pem"


def test_apps_pip_config_vars_reach_the_apps_commands() -> None:
    env = config.command_env(HOST, {"PIP_INDEX_URL": "https://app.example/simple"})
    assert env["PIP_INDEX_URL"] == "https://app.example/simple"


@pytest.mark.parametrize("name", sorted(config.BLOCKED_CONFIG_VARS))
def test_config_var_that_would_misdirect_python_or_the_linker_is_dropped(name: str) -> None:
    env = config.command_env(HOST, {name: "/evil", "DJANGO_SETTINGS_MODULE": "app.settings"})
    assert env.get(name) != "/evil"
    assert env["DJANGO_SETTINGS_MODULE"] == "app.settings"


def test_path_puts_the_apps_python_first_and_ignores_user_site() -> None:
    env = config.command_env(
        HOST, {}, path_prefix=(Path("/app/.heroku/python/bin"), Path("/opt/tools"))
    )
    assert env["PATH"] == "/app/.heroku/python/bin:/opt/tools:/usr/local/bin:/usr/bin"
    assert env["PYTHONNOUSERSITE"] == "1"


def test_lang_defaults_to_utf8_unless_set() -> None:
    assert config.command_env({}, {})["LANG"] == "C.UTF-8"
    assert config.command_env({"LANG": "en_US.UTF-8"}, {})["LANG"] == "en_US.UTF-8"
    assert config.command_env({}, {"LANG": "de_DE.UTF-8"})["LANG"] == "de_DE.UTF-8"


def test_extra_settings_win_over_config_vars() -> None:
    env = config.command_env(HOST, {"GIT_TERMINAL_PROMPT": "1"}, extra={"GIT_TERMINAL_PROMPT": "0"})
    assert env["GIT_TERMINAL_PROMPT"] == "0"


def test_only_basics_trust_and_proxy_settings_leave_the_host() -> None:
    environ = {
        **HOST,
        "AWS_SECRET_ACCESS_KEY": "s3cret",
        "PYTHONPATH": "/host/lib",
        "REQUESTS_CA_BUNDLE": "/etc/ssl/ca.pem",
        "PYTHON_RUNTIME_BASE_URL": "https://mirror.example/python",
    }
    assert config.host_settings(environ) == {
        "PATH": "/usr/local/bin:/usr/bin",
        "HOME": "/home/builder",
        "PIP_CERT": "/etc/ssl/builder.pem",
        "HTTPS_PROXY": "http://proxy.example:3128",
        "REQUESTS_CA_BUNDLE": "/etc/ssl/ca.pem",
        "PYTHON_RUNTIME_BASE_URL": "https://mirror.example/python",
    }
