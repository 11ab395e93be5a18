"""References whose content can change while their line does not.

A VCS URL whose ref is a branch or tag is resolved to its commit with
`git ls-remote`; an archive URL with neither a hash nor a commit in it is fetched
and hashed by the download client (runtime/download.py), with the credentials,
trust and proxy settings pip would use. Both happen on every build, so the
fingerprint sees a moved ref.
"""

from __future__ import annotations

import hashlib

from ... import config
from ...context import BuildContext
from ...errors import MovingReferenceUnresolvable
from ...requirements import split_vcs_url


def _git_commit(ctx: BuildContext, url: str, where: str) -> str:
    _, repo, ref = split_vcs_url(url)
    env = config.command_env(ctx.host_env, ctx.config_vars, extra={"GIT_TERMINAL_PROMPT": "0"})
    result = ctx.runner.capture(
        ["git", "ls-remote", repo, ref or "HEAD"], env=env, cwd=ctx.build_dir
    )
    if result.returncode != 0:
        last = result.stderr.strip().splitlines()[-1:] or [""]
        raise MovingReferenceUnresolvable(url, last, where)
    lines = [line.split() for line in result.stdout.splitlines() if line.strip()]
    # A tag may be listed twice: the tag object, and `ref^{}` for its commit.
    peeled = [parts[0] for parts in lines if parts[1:] and parts[1].endswith("^{}")]
    commits = peeled or [parts[0] for parts in lines]
    if not commits:
        raise MovingReferenceUnresolvable(url, [f"no branch or tag named {ref!r}"], where)
    return commits[0]


def _archive_digest(ctx: BuildContext, url: str, where: str) -> str:
    """Fetched as pip would fetch it: with the credentials in the URL or in .netrc, and
    the build machine's trust and proxy settings (the download client does both)."""
    from ...runtime.download import Client, DownloadError  # an app without one never loads it

    try:
        with Client(ctx.host_env) as client:
            return client.digest(url)
    except DownloadError as error:
        raise MovingReferenceUnresolvable(url, [error.reason], where) from None


def resolve(ctx: BuildContext, url: str, kind: str, where: str) -> str:
    """What the reference points to now: a commit, or the archive's sha256.
    `where`: the requirement's file, line and text, for the error if it can't be told."""
    if kind == "vcs_ref":
        vcs, _, _ = split_vcs_url(url)
        if vcs != "git":
            # No cheap way to ask hg/svn/bzr: treat it as changed on every build.
            return f"unresolved {vcs} {hashlib.sha256(url.encode()).hexdigest()} {id(ctx)}"
        return _git_commit(ctx, url, where)
    if kind == "archive_url":
        return _archive_digest(ctx, url, where)
    return ""
