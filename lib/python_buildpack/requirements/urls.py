"""URL helpers for requirement lines: VCS URLs, their revision, hash fragments.

One rule for a VCS URL's revision, pip's: it follows the last `@` of the URL's
path (`git+https://host/repo.git@v1.0#egg=x` -> `v1.0`), so neither an `@` in
the user part (`git+https://token@host/...`) nor one in the fragment counts; see
`VersionControl.get_url_rev_and_auth` in
https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/vcs/versioncontrol.py
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from .pip_parser import vcs_all_schemes

# pip's `looks_like_hash`: 40 hex digits, either case.
# https://github.com/pypa/pip/blob/23.2.1/src/pip/_internal/vcs/git.py
_COMMIT_RE = re.compile(r"^[a-fA-F0-9]{40}$")
_HASH_FRAGMENT_RE = re.compile(r"(sha1|sha224|sha384|sha256|sha512|md5)=([a-f0-9]+)")


def is_vcs_url(url: str) -> bool:
    """`git+https://...`, `hg+ssh://...` and the other schemes pip's VCS support takes."""
    return urlsplit(url).scheme.lower() in vcs_all_schemes


def vcs_revision(url: str) -> str | None:
    """The text after the last `@` of the URL's path ("" if empty); None if no `@`."""
    path = urlsplit(url).path
    return path.rsplit("@", 1)[1] if "@" in path else None


def split_vcs_url(url: str) -> tuple[str, str, str]:
    """`git+https://host/repo.git@ref#egg=x` -> ("git", "https://host/repo.git", "ref").

    The ref is "" when the URL names none (the remote's default branch).
    """
    parts = urlsplit(url)
    vcs, plus, transport = parts.scheme.partition("+")
    path, ref = parts.path, vcs_revision(url) or ""
    if "@" in path:
        path = path.rsplit("@", 1)[0]
    repo = urlunsplit((transport if plus else vcs, parts.netloc, path, "", ""))
    return vcs.lower(), repo, ref


def is_full_commit(ref: str | None) -> bool:
    """Whether a VCS ref names one commit for good (a branch or tag can move)."""
    return ref is not None and bool(_COMMIT_RE.match(ref))


def has_hash_fragment(url: str) -> bool:
    # pip's `Link.hash`: the first `<algorithm>=<hex>` anywhere in the URL.
    return bool(_HASH_FRAGMENT_RE.search(url))
