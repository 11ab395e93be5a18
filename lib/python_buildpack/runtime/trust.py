"""The build machine's trust and proxy settings, for the download client (download.py).

The buildpack's own process environment is never read implicitly: callers hand
over the trust/proxy subset (see config.TRUST_AND_PROXY_VARS), so the same
settings reach pip and every download the buildpack makes itself.
"""

from __future__ import annotations

import base64
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit
from urllib.request import proxy_bypass_environment  # type: ignore[attr-defined]

from ..errors import InvalidTrustSetting

# --- trust and proxy settings ----------------------------------------------------

# Which setting names the CA bundle, first match wins: pip's own, then the ones
# requests and curl honour, then OpenSSL's.
_CA_BUNDLE_VARS = ("PIP_CERT", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")


def ssl_context(trust_env: Mapping[str, str]) -> ssl.SSLContext:
    """A verifying TLS context that trusts the CAs named in `trust_env`, or the system's.

    Built without `load_default_certs()`, which would read SSL_CERT_FILE from this
    process's environment behind the caller's back.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    given = [(n, trust_env[n]) for n in _CA_BUNDLE_VARS if trust_env.get(n)][:1]
    if trust_env.get("SSL_CERT_DIR"):
        given.append(("SSL_CERT_DIR", trust_env["SSL_CERT_DIR"]))
    for name, value in given:
        try:
            if os.path.isdir(value):
                context.load_verify_locations(capath=value)
            else:
                context.load_verify_locations(cafile=value)
        except (OSError, ssl.SSLError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise InvalidTrustSetting(name, value, reason) from None
    if not given:
        # OpenSSL's compiled-in locations, the ones it uses when no variable is set.
        defaults = ssl.get_default_verify_paths()
        cafile = defaults.openssl_cafile if os.path.isfile(defaults.openssl_cafile) else None
        capath = defaults.openssl_capath if os.path.isdir(defaults.openssl_capath) else None
        if cafile or capath:
            context.load_verify_locations(cafile=cafile, capath=capath)
    return context


def proxy_settings(trust_env: Mapping[str, str]) -> dict[str, str]:
    """`{"http": ..., "https": ..., "no": ...}`; lower-case names win, as in urllib."""
    found: dict[str, str] = {}
    for key in ("http", "https", "no"):
        value = trust_env.get(f"{key}_proxy") or trust_env.get(f"{key.upper()}_PROXY")
        if value:
            found[key] = value
    return found


@dataclass(frozen=True)
class Proxy:
    """Where a request goes instead: the proxy's host and port, and its Basic credentials."""

    host: str
    port: int
    authorization: str | None = field(default=None, repr=False)


def proxy_for(scheme: str, host: str, settings: Mapping[str, str]) -> Proxy | None:
    """The proxy `proxy_settings` name for a URL's scheme and host, unless NO_PROXY
    lists the host. An https URL goes through it in a tunnel (CONNECT), as in urllib."""
    proxy = settings.get(scheme)
    # NO_PROXY by the standard library's rules (`*`, host names and domain suffixes,
    # a port only when the entry names one), which are the ones pip's requests
    # applies (requests.utils.should_bypass_proxies). Given `settings`, it reads
    # nothing from this process's environment. Undocumented (so not in typeshed),
    # and the same code from Python 3.10 to 3.13.
    if not proxy or proxy_bypass_environment(host, settings):
        return None
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    authorization = None
    if parts.username is not None:
        user_pass = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(user_pass.encode()).decode("ascii")
    default = 443 if parts.scheme == "https" else 80
    return Proxy(parts.hostname or "", parts.port or default, authorization)
