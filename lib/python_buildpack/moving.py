"""References whose content can change while their line does not.

A VCS URL whose ref is a branch or tag is resolved to its commit with
`git ls-remote`; an archive URL with neither a hash nor a commit in it is fetched
and hashed. Both happen on every build, so the fingerprint sees a moved ref.
"""

from __future__ import annotations

import hashlib
import re
import urllib.error
from urllib.parse import urlsplit, urlunsplit

from . import config
from .context import BuildContext
from .errors import MovingReferenceUnresolvable
from .net import open_url

_FULL_COMMIT = re.compile(r"^[0-9a-f]{40}$")


def split_vcs_url(url: str) -> tuple[str, str, str]:
    """`git+https://host/repo.git@ref#egg=x` -> ("git", "https://host/repo.git", "ref")."""
    vcs, _, rest = url.partition("+")
    parts = urlsplit(rest)
    path, ref = parts.path, ""
    if "@" in path:
        path, ref = path.rsplit("@", 1)
    return vcs.lower(), urlunsplit((parts.scheme, parts.netloc, path, "", "")), ref


def _git_commit(ctx: BuildContext, url: str) -> str:
    _, repo, ref = split_vcs_url(url)
    env = config.command_env(ctx.host_env, ctx.config_vars, extra={"GIT_TERMINAL_PROMPT": "0"})
    result = ctx.runner.capture(
        ["git", "ls-remote", repo, ref or "HEAD"], env=env, cwd=ctx.build_dir
    )
    if result.returncode != 0:
        raise MovingReferenceUnresolvable(url, result.stderr.strip().splitlines()[-1:] or [""])
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    # A tag may be listed twice: the tag object, and `ref^{}` for its commit.
    peeled = [parts[0] for parts in lines if parts[1:] and parts[1].endswith("^{}")]
    commits = peeled or [parts[0] for parts in lines]
    if not commits:
        raise MovingReferenceUnresolvable(url, [f"no branch or tag named {ref!r}"])
    return commits[0]


def _archive_digest(ctx: BuildContext, url: str) -> str:
    digest = hashlib.sha256()
    try:
        with open_url(url, trust_env=ctx.host_env, timeout=60) as response:
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
    except (OSError, urllib.error.URLError) as error:
        raise MovingReferenceUnresolvable(url, [str(error)]) from error
    return digest.hexdigest()


def resolve(ctx: BuildContext, url: str, kind: str) -> str:
    """What the reference points to now: a commit, or the archive's sha256."""
    if kind == "vcs_ref":
        vcs, _, _ = split_vcs_url(url)
        if vcs != "git":
            # No cheap way to ask hg/svn/bzr: treat it as changed on every build.
            return f"unresolved {vcs} {hashlib.sha256(url.encode()).hexdigest()} {id(ctx)}"
        return _git_commit(ctx, url)
    if kind == "archive_url":
        return _archive_digest(ctx, url)
    return ""


def is_full_commit(ref: str) -> bool:
    return bool(_FULL_COMMIT.match(ref))
