"""NO_PROXY for the runtime download read as pip reads it: the same settings must
send both the same way."""

from __future__ import annotations

import pytest

from python_buildpack.runtime.trust import proxy_for, proxy_settings

PROXY = {"HTTPS_PROXY": "http://proxy.internal:3128"}


def goes_direct(host: str, no_proxy: str) -> bool:
    return proxy_for("https", host, proxy_settings({**PROXY, "NO_PROXY": no_proxy})) is None


@pytest.mark.parametrize(
    ("host", "no_proxy"),
    [
        ("runtimes.example", "*"),
        ("runtimes.example", "localhost, runtimes.example"),
        ("a.runtimes.example", ".runtimes.example"),
        ("a.runtimes.example", "runtimes.example"),
        ("RUNTIMES.example", "runtimes.EXAMPLE"),
        ("runtimes.example:8443", "runtimes.example"),
        ("runtimes.example:8443", "runtimes.example:8443"),
        ("[::1]:8443", "[::1]"),
    ],
)
def test_a_host_no_proxy_lists_is_fetched_directly(host: str, no_proxy: str) -> None:
    assert goes_direct(host, no_proxy)


@pytest.mark.parametrize(
    ("host", "no_proxy"),
    [
        ("notruntimes.example", "runtimes.example"),  # a suffix counts at a dot only
        ("runtimes.example", "runtimes.example:8080"),  # that port only
        ("runtimes.example", "localhost,*"),  # `*` counts alone, as in pip and curl
        ("runtimes.example", ""),
    ],
)
def test_a_host_no_proxy_does_not_list_goes_through_the_proxy(host: str, no_proxy: str) -> None:
    assert not goes_direct(host, no_proxy)


def test_no_proxy_of_the_buildpacks_own_environment_does_not_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")
    assert proxy_for("https", "runtimes.example", proxy_settings(PROXY)) is not None
