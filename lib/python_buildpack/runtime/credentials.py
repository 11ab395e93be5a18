"""Credentials for a download, found as pip finds them (download.py sends them)."""

from __future__ import annotations

import base64
import netrc
import os
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit, urlunsplit


def credentials(url: str, trust_env: Mapping[str, str]) -> tuple[str, str | None]:
    """The URL without its userinfo, and the Authorization header to send, as pip does.

    The userinfo in the URL first, percent-decoded (`user:password`, or a token alone
    as the user with an empty password); else the `.netrc` entry for the host: the
    file NETRC names, or ~/.netrc, as requests (pip's HTTP library) reads them.
    """
    parts = urlsplit(url)
    if "@" in parts.netloc:
        userinfo, _, hostport = parts.netloc.rpartition("@")
        user, _, password = userinfo.partition(":")
        plain = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
        return plain, _basic(unquote(user), unquote(password))
    found = _from_netrc(parts.hostname or "", trust_env)
    return url, _basic(*found) if found is not None else None


def _from_netrc(host: str, trust_env: Mapping[str, str]) -> tuple[str, str] | None:
    path = trust_env.get("NETRC") or (
        os.path.join(trust_env["HOME"], ".netrc") if trust_env.get("HOME") else ""
    )
    if not host or not path or not os.path.isfile(path):
        return None
    try:
        entry = netrc.netrc(path).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return None  # as requests does: a broken .netrc means no credentials
    if entry is None:
        return None
    login, account, password = entry
    return login or account or "", password or ""


def _basic(user: str, password: str) -> str:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
