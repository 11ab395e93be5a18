"""Text that reaches a log, a report or a file under CACHE_DIR: one redaction.

A leaf module: it imports nothing of the buildpack, so every other module,
errors included, can use it.
"""

from __future__ import annotations

import re

# Any userinfo in any URL: `scheme://user:secret@host` and `scheme://token@host`.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")


def redact(text: str, *, collapse: bool = False) -> str:
    """Hide passwords and tokens in URLs as pip does: `https://user:****@host`,
    `https://****@host` for a user part alone (a token). An unexpanded `${VAR}` is
    a name, not a secret, and stays. `collapse` squeezes runs of whitespace (a
    continued requirement line shown on one line)."""

    def hide(match: re.Match[str]) -> str:
        userinfo = match.group("userinfo")
        if "${" in userinfo:
            return match.group(0)
        user, sep, _secret = userinfo.partition(":")
        return f"{match.group('scheme')}{user + ':****' if sep else '****'}@"

    if collapse:
        text = " ".join(text.split())
    return _USERINFO.sub(hide, text)
