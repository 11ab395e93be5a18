"""The build machine's trust and proxy settings, for the download client (download.py).

The buildpack's own process environment is never read implicitly: callers hand
over the trust/proxy subset (see config.TRUST_AND_PROXY_VARS), so the same
settings reach pip and every download the buildpack makes itself.
"""

from __future__ import annotations

import base64
import http.client
import os
import ssl
import urllib.request
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

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


class _ProxyHandler(urllib.request.ProxyHandler):
    """urllib's ProxyHandler reads NO_PROXY from os.environ; this one uses `proxies`.

    It subclasses ProxyHandler so that build_opener() adds no environment-reading
    default one.
    """

    def __init__(self, proxies: Mapping[str, str]) -> None:
        super().__init__({})
        self._settings = dict(proxies)

    def http_open(self, req: urllib.request.Request) -> None:
        self._route(req)

    def https_open(self, req: urllib.request.Request) -> None:
        self._route(req)

    def _route(self, req: urllib.request.Request) -> None:
        proxy = self._settings.get(req.type)
        if not proxy:
            return
        if _bypasses_proxy(req.host, self._settings.get("no", "")):
            return
        parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parts.username is not None:
            user_pass = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            creds = base64.b64encode(user_pass.encode()).decode("ascii")
            req.add_header("Proxy-authorization", f"Basic {creds}")
        host = parts.hostname or ""
        hostport = f"[{host}]" if ":" in host else host
        if parts.port:
            hostport = f"{hostport}:{parts.port}"
        # With an https URL, set_proxy makes urllib tunnel through the proxy (CONNECT).
        req.set_proxy(hostport, req.type)


def _bypasses_proxy(hostport: str, no_proxy: str) -> bool:
    """NO_PROXY as curl and requests read it: `*`, or host names and domain suffixes."""
    host = urlsplit(f"//{hostport}").hostname or ""
    for entry in (e.strip() for e in no_proxy.split(",")):
        if entry == "*":
            return True
        name = (urlsplit(f"//{entry}").hostname or "").lstrip(".") if entry else ""
        if name and (host == name or host.endswith(f".{name}")):
            return True
    return False


class _HTTPConnection(http.client.HTTPConnection):
    """The connect timeout is the one urlopen() gets; reads get their own."""

    def __init__(
        self,
        host: str,
        /,
        *,
        port: int | None = None,
        timeout: float = 10.0,
        source_address: tuple[str, int] | None = None,
        blocksize: int = 8192,
        read_timeout: float = 60.0,
    ) -> None:
        super().__init__(
            host, port=port, timeout=timeout, source_address=source_address, blocksize=blocksize
        )
        self._read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()
        self.sock.settimeout(self._read_timeout)


class _HTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self,
        host: str,
        /,
        *,
        port: int | None = None,
        timeout: float = 10.0,
        source_address: tuple[str, int] | None = None,
        blocksize: int = 8192,
        context: ssl.SSLContext | None = None,
        read_timeout: float = 60.0,
    ) -> None:
        super().__init__(
            host,
            port=port,
            timeout=timeout,
            source_address=source_address,
            context=context,
            blocksize=blocksize,
        )
        self._read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()  # TCP, proxy tunnel and TLS handshake, under the connect timeout
        self.sock.settimeout(self._read_timeout)


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._read_timeout = read_timeout

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req, read_timeout=self._read_timeout)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, context: ssl.SSLContext, read_timeout: float) -> None:
        super().__init__(context=context)
        self._ssl_context = context
        self._read_timeout = read_timeout

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            _HTTPSConnection, req, context=self._ssl_context, read_timeout=self._read_timeout
        )


def build_opener(
    trust_env: Mapping[str, str], read_timeout: float
) -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        _ProxyHandler(proxy_settings(trust_env)),
        _HTTPHandler(read_timeout),
        _HTTPSHandler(ssl_context(trust_env), read_timeout),
    )
