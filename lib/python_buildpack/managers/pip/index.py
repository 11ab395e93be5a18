"""Whether pip would resolve the same set now, told from the index pages (issue 10).

pip's resolution depends on the requirement lines, options, config and target (all
in the fingerprint) and on what each index page it read lists. Before reusing a
cache that depends on unpinned packages, the pages the last resolution read are
asked for again, all at once (index_check.py): all unchanged means pip would pick
the same set, and no pip process starts. Anything else (a page changed, an input no
page check covers, a failure) asks pip's dry run, as before; a failure never counts
as unchanged.

Every pip run whose result is kept (the install from scratch, the dry run) writes
pip's debug log (`index_pages.pip_args`); afterwards that log and pip's report give
the record kept in the manifest (`index_check.record_resolution`), and, when pip
failed, which index URL failed it: pip run quietly shows an index answering 500 as
"from versions: none".
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ...cache.manifest import Manifest
from ...redaction import redact
from ...requirements import RequirementsGraph
from .index_pages import PageSet, locations, urls_by_key

if TYPE_CHECKING:
    # The page check and its download client are imported by the builds that check
    # pages (unpinned apps), not by every build that reads this module.
    from ...runtime.download import Client
    from .index_check import Verdict

# A config var (ENV_DIR) for the benchmark: `off` skips the check and asks pip, as
# before issue 10, on the same cache. Not part of the fingerprint: switching it must
# not discard the cache.
SWITCH = "PYTHON_BUILDPACK_INDEX_CHECK"


def switched_off(config_vars: Mapping[str, str]) -> bool:
    return config_vars.get(SWITCH, "").strip().lower() in ("off", "0", "false", "no")


def configured_locations(
    config_vars: Mapping[str, str], graphs: Sequence[RequirementsGraph]
) -> tuple[list[str], list[str]]:
    """(index URLs, find-links) as pip merges them: requirement-file options, then
    the PIP_* config vars. Values may hold credentials: never log or store them."""
    index_url: str | None = None
    extras: list[str] = []
    links: list[str] = []
    no_index = False
    for graph in graphs:
        for option in graph.options:
            if option.name == "--index-url" and option.value:
                index_url = option.value
            elif option.name == "--extra-index-url" and option.value:
                extras.append(option.value)
            elif option.name == "--find-links" and option.value:
                links.append(option.value)
            elif option.name == "--no-index":
                no_index = True
    return locations(config_vars, index_url, extras, links, no_index)


def hidden(pages: PageSet, redactor: Callable[[str], str]) -> PageSet:
    """The record as the manifest may keep it: its URLs (for the log) with every
    secret the build knows hidden, a token in an index URL's path or a `${VAR}`
    value too (`index_pages` hides the userinfo only)."""
    return PageSet(
        tuple(replace(s, display=redactor(s.display)) for s in pages.sources),
        pages.pages,
        tuple(redactor(u) for u in pages.uncheckable),
    )


def _cannot(why: str) -> Verdict:
    from .index_check import Verdict

    return Verdict("uncheckable", 0, 0, 0.0, uncheckable=(why,))


def check(
    manifest: Manifest,
    index_urls: Sequence[str],
    find_links: Sequence[str],
    *,
    moving: Sequence[str],
    trust_env: Mapping[str, str],
    client: Client | None = None,
) -> Verdict:
    """Whether the pages the cached resolution read still list the same files.
    `moving`: requirements whose content can change while their line does not."""
    if moving:
        return _cannot(f"the moving reference {moving[0]}")
    if manifest.index_pages is None:
        return _cannot("the cache has no record of the index pages pip read")
    try:
        recorded = PageSet.from_json(manifest.index_pages)
    except ValueError as error:
        return _cannot(f"the record of the index pages is unusable ({error})")
    from .index_check import check_pages

    urls = urls_by_key(index_urls, find_links)
    return check_pages(recorded, urls, trust_env=trust_env, client=client)


def explain(verdict: Verdict) -> list[str]:
    """What follows the verdict's own line in the log when pip must be asked."""
    if verdict.status == "failed":
        return [
            "The index did not answer as it should; asking pip instead. If pip cannot",
            "read it either, the build fails and the cache is kept for the next build.",
        ]
    if verdict.status == "uncheckable":
        return ["So pip is asked what a clean install would pick"]
    return []


# --- pip's log ----------------------------------------------------------------------


@contextlib.contextmanager
def pip_log() -> Iterator[Path]:
    """A new file for pip's `--log` (pip appends), outside BUILD_DIR and CACHE_DIR."""
    with tempfile.TemporaryDirectory(prefix="pip-log-") as tmp:
        yield Path(tmp) / "pip.log"


def read_log(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


_COULD_NOT = re.compile(r"Could not fetch URL (?P<url>\S+): (?P<why>.*) - skipping$")
_STATUS = re.compile(r"^(?P<code>\d{3}) [A-Za-z ]*Error: (?P<reason>.*?)(?: for url: .*)?$")
_TOO_MANY = re.compile(r"too many (?P<code>\d{3}) error responses")


def _words(why: str) -> str:
    """pip's (requests') words for a failure, as the runtime download says them."""
    if match := _STATUS.match(why):
        return f"HTTP {match['code']} {match['reason']}".rstrip()
    if match := _TOO_MANY.search(why):
        return f"HTTP {match['code']}"
    if "Connection refused" in why:
        return "the connection was refused"
    if "timed out" in why.lower():
        return "the server did not answer in time"
    return why if len(why) <= 160 else why[:157] + "..."


def index_failures(log_text: str) -> list[tuple[str, str]]:
    """(redacted URL, what went wrong) for each index page pip could not read; a 404
    is an answer (an extra index without the project), not a failure."""
    found: dict[str, str] = {}
    for line in log_text.splitlines():
        match = _COULD_NOT.search(line)
        if match and not match["why"].startswith("404 "):
            found.setdefault(redact(match["url"]), _words(match["why"]))
    return list(found.items())
