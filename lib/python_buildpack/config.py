"""Config vars from ENV_DIR and the explicit environments that commands get.

No command inherits the buildpack's own environment. What reaches a command is
built here from three parts: a few basics of the build machine (PATH, HOME,
locale, temp dir), its trust and proxy settings (they change how packages are
fetched, not which), and the app's config vars.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from .cache.identities import CACHE_VERIFY, CACHE_VERIFY_VALUES
from .errors import UnknownConfigValue, UnreadableConfigVar, UnsafeConfigVar
from .redaction import MIN_SECRET_LENGTH, Redactor

# Settings of the build machine that say how to reach the network, never what to
# install: they pass through to pip and to the runtime download.
TRUST_AND_PROXY_VARS = (
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "PIP_CERT",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    # pip and the reference checks read credentials from it, as from ~/.netrc.
    "NETRC",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)
HOST_BASICS = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME")
# The operator's settings for the buildpack itself (an app may also set them as
# config vars).
# PYTHON_TOOLS_INDEX_URL: where uv, Poetry and Pipenv's pinned wheels come from (a mirror
# of PyPI for build servers without internet; the hashes are checked either way).
BUILDPACK_SETTINGS = ("PYTHON_RUNTIME_BASE_URL", "PYTHON_TOOLS_INDEX_URL")

# pip options that would install outside the app's Python.
UNSAFE_PIP_VARS = ("PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_ROOT")

# Config vars that must not reach the build's commands: they would point Python or
# the linker at the wrong files. The same list Heroku's classic buildpack uses,
# plus PYTHONPATH.
BLOCKED_CONFIG_VARS = frozenset(
    {
        "PATH",
        "GIT_DIR",
        "CPATH",
        "CPPATH",
        "LD_PRELOAD",
        "LIBRARY_PATH",
        "LD_LIBRARY_PATH",
        "PYTHONHOME",
        "PYTHONPATH",
    }
)

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read_config_vars(env_dir: Path | None) -> dict[str, str]:
    """One file per var, named after it, holding its value (as Heroku writes ENV_DIR)."""
    if env_dir is None or not env_dir.is_dir():
        return {}
    config: dict[str, str] = {}
    for entry in sorted(env_dir.iterdir()):
        if not entry.is_file() or not _NAME.match(entry.name):
            continue
        try:
            config[entry.name] = entry.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UnreadableConfigVar(entry.name, str(error)) from error
    return config


class ConfigVars(Mapping[str, str]):
    """The app's config vars, and the build's Redactor, which must learn a value as
    soon as it can reach the log, the report or the cache.

    - The credentials in the URLs of the `PIP_*` vars (PIP_INDEX_URL,
      PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS...) reach pip, which prints the URLs and
      whose errors quote them: secret from the start. Only the userinfo: the rest
      of an index URL says which index failed, and the other `PIP_*` values are
      switches and paths.
    - A value put into a requirement line through `${VAR}` (`substitute`) can be
      anything (a token, a password, a token in an index URL's path) and is quoted
      by pip, git and our own messages: secret from then on, whole.

    The other config vars are the app's business: they reach hooks, whose output
    only the URL rule applies to.
    """

    def __init__(self, values: Mapping[str, str], redactor: Redactor) -> None:
        self._values = dict(values)
        self.redactor = redactor
        self._substituted: dict[str, str] = {}
        for name, value in self._values.items():
            if name.startswith("PIP_"):
                redactor.add_url_credentials(value)

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def substitute(self, name: str) -> str | None:
        """The value that `${name}` in a requirement line becomes, now a secret."""
        value = self._values.get(name)
        if value:
            self.redactor.add(value)
            self._substituted[name] = value
        return value

    def as_written(self, text: str) -> str:
        """`text` with every substituted value put back as its `${NAME}`: what a file
        that must keep the URL (pip's direct_url.json, a manifest) should hold. PEP 610
        asks tools to keep such references rather than the expanded value:
        https://peps.python.org/pep-0610/#specification (see "url").
        Values too short to be hidden stay, as in the Redactor."""
        pairs = sorted(self._substituted.items(), key=lambda item: -len(item[1]))
        for name, value in pairs:
            if len(value) >= MIN_SECRET_LENGTH:
                text = text.replace(value, "${" + name + "}")
        return text


def check_config_vars(config: Mapping[str, str]) -> None:
    for name in UNSAFE_PIP_VARS:
        if name in config:
            raise UnsafeConfigVar(name)
    verify = config.get(CACHE_VERIFY, "").strip().lower()
    if verify and verify not in CACHE_VERIFY_VALUES:
        # A typo must not quietly leave the content check off.
        raise UnknownConfigValue(CACHE_VERIFY, config[CACHE_VERIFY], CACHE_VERIFY_VALUES)


def host_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """The parts of the build machine's environment that commands may see."""
    return {
        name: environ[name]
        for name in (*HOST_BASICS, *TRUST_AND_PROXY_VARS, *BUILDPACK_SETTINGS)
        if name in environ
    }


def command_env(
    host: Mapping[str, str],
    config: Mapping[str, str],
    *,
    path_prefix: tuple[Path, ...] = (),
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment for a build command: host basics, config vars, then `extra`."""
    env = {name: value for name, value in host.items() if not name.startswith("PIP_")}
    env.update({k: v for k, v in config.items() if k not in BLOCKED_CONFIG_VARS})
    # The trust settings win over a config var of the same name only when the app
    # sets none: an app's own PIP_CERT is honoured.
    for name in TRUST_AND_PROXY_VARS:
        if name in host and name not in config:
            env[name] = host[name]
    base_path = host.get("PATH", os.defpath)
    env["PATH"] = os.pathsep.join([*(str(p) for p in path_prefix), base_path])
    # The build machine's ~/.local must not count as installed packages.
    env["PYTHONNOUSERSITE"] = "1"
    env.setdefault("LANG", "C.UTF-8")
    if extra:
        env.update(extra)
    return env
