"""HTTP(S) with the build machine's trust and proxy settings, passed in explicitly.

The buildpack's own process environment is never read implicitly: callers hand
over the trust/proxy subset (see config.TRUST_AND_PROXY_VARS), so the same
settings reach pip and the buildpack's own downloads.
"""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Mapping
from typing import IO

CA_FILE_VARS = ("SSL_CERT_FILE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def ssl_context(trust_env: Mapping[str, str]) -> ssl.SSLContext:
    context = ssl.create_default_context()
    cafile = next((trust_env[n] for n in CA_FILE_VARS if trust_env.get(n)), None)
    capath = trust_env.get("SSL_CERT_DIR") or None
    if cafile or capath:
        context.load_verify_locations(cafile=cafile, capath=capath)
    return context


def proxies(trust_env: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for scheme in ("http", "https"):
        value = trust_env.get(f"{scheme}_proxy") or trust_env.get(f"{scheme.upper()}_PROXY")
        if value:
            found[scheme] = value
    no_proxy = trust_env.get("no_proxy") or trust_env.get("NO_PROXY")
    if no_proxy:
        found["no"] = no_proxy
    return found


def _bypasses_proxy(url: str, no_proxy: str) -> bool:
    host = urllib.request.urlparse(url).hostname or ""
    for entry in (e.strip().lstrip(".") for e in no_proxy.split(",")):
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return True
    return False


def opener(url: str, trust_env: Mapping[str, str]) -> urllib.request.OpenerDirector:
    found = proxies(trust_env)
    no_proxy = found.pop("no", "")
    if no_proxy and _bypasses_proxy(url, no_proxy):
        found = {}
    return urllib.request.build_opener(
        urllib.request.ProxyHandler(found),
        urllib.request.HTTPSHandler(context=ssl_context(trust_env)),
    )


def open_url(
    url: str, *, trust_env: Mapping[str, str], timeout: float, accept: str = "*/*"
) -> IO[bytes]:
    """Open an http(s) or file URL; raises urllib.error.URLError/HTTPError, OSError."""
    headers = {"User-Agent": "python-buildpack", "Accept": accept}
    request = urllib.request.Request(url, headers=headers)
    response: IO[bytes] = opener(url, trust_env).open(request, timeout=timeout)
    return response
