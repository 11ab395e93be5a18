"""Text that reaches a log, a report or a file under CACHE_DIR: one redaction.

`redact` hides what any URL's userinfo holds, wherever it is seen. A `Redactor`
does that too and also hides the values it was told are secret: the value of
every `${VAR}` that reached a requirement line, and the credentials in the
config vars that reach pip (see config.py). One `Redactor` per build, applied at
the few exits: every line the build prints (output.py), the commands recorded
for the report (runner.py), the error message and the traceback (cli.py).

A leaf module: it imports nothing of the buildpack, so every other module,
errors included, can use it.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote, quote_plus, unquote, urlsplit

# Any userinfo in any URL: `scheme://user:secret@host` and `scheme://token@host`.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
# Every URL in a text such as PIP_EXTRA_INDEX_URL (several, space-separated).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")

HIDDEN = "****"

# Values shorter than this are not hidden wherever they appear: "1", "true", "off"
# or "3.12" (PIP_NO_INDEX=1, a `${VERSION}`) occur everywhere in a log by chance,
# so hiding them would garble every line, and the pattern of what vanished would
# give the value away anyway. A token or a password is longer; and inside a URL's
# userinfo a short password is still hidden, by the URL rule.
MIN_SECRET_LENGTH = 6


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
        return f"{match.group('scheme')}{user + ':' + HIDDEN if sep else HIDDEN}@"

    if collapse:
        text = " ".join(text.split())
    return _USERINFO.sub(hide, text)


def url_credentials(text: str) -> list[tuple[str, str]]:
    """`(user, secret)` for the userinfo of every URL in `text`: the password, or the
    user part alone (a token, sent as `token:`)."""
    found = []
    for url in _URL.findall(text):
        try:
            netloc = urlsplit(url).netloc
        except ValueError:
            continue
        userinfo, at, _host = netloc.rpartition("@")
        user, sep, password = userinfo.partition(":")
        if at and (password if sep else user):
            found.append((user, password) if sep else ("", user))
    return found


def _base64(text: str) -> set[str]:
    # Without padding, as a longer base64 text would hold it.
    data = text.encode()
    return {
        base64.b64encode(data).decode().rstrip("="),
        base64.urlsafe_b64encode(data).decode().rstrip("="),
    }


def written_forms(secret: str, *, user: str = "") -> set[str]:
    """How a secret can be written down by the tools that handle it: as is,
    percent-encoded (a URL holds it encoded, pip and git send it decoded), and in
    base64 (alone, and as an `Authorization: Basic` header carries `user:secret`, or
    `secret:` for a token in the user part)."""
    forms = {secret, unquote(secret), quote(secret, safe=""), quote(secret), quote_plus(secret)}
    for plain in (secret, unquote(secret)):
        forms |= _base64(plain) | _base64(f"{plain}:") | _base64(f"{unquote(user)}:{plain}")
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class Redactor:
    """Hides URL userinfo and every secret value it was given, in every form."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        """A value that must not be shown, whole: a config var's value, which may be
        a token, a password, a `user:password` pair or a URL holding credentials."""
        new = written_forms(value)
        user, sep, password = value.partition(":")
        if sep and "://" not in value:  # `user:password`: the password alone too
            new |= written_forms(password, user=user)
        self._learn(new)
        self.add_url_credentials(value)

    def add_url_credentials(self, text: str) -> None:
        """Only the credentials in the URLs of `text`; the rest of them stays shown."""
        new: set[str] = set()
        for user, secret in url_credentials(text):
            new |= written_forms(secret, user=user)
        self._learn(new)

    def _learn(self, new: set[str]) -> None:
        if new <= self._secrets:
            return
        self._secrets |= new
        # Longest first: a secret that contains another is hidden whole.
        alternatives = sorted(self._secrets, key=lambda s: (-len(s), s))
        self._pattern = re.compile("|".join(map(re.escape, alternatives)))

    def __call__(self, text: str) -> str:
        if self._pattern is not None:
            text = self._pattern.sub(HIDDEN, text)
        return redact(text)
