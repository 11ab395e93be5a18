"""A directory served over HTTP on 127.0.0.1: a runtime mirror, a find-links page,
archives named by URL."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requested: list[str] | None = None

    def log_message(self, format: str, *args: object) -> None:
        if self.requested is not None:
            self.requested.append(self.path)


@contextlib.contextmanager
def serve_directory(directory: Path, *, requested: list[str] | None = None) -> Iterator[str]:
    """The base URL of an HTTP server serving `directory` on a free port; the path of
    every request is appended to `requested` when given."""
    handler = functools.partial(
        type("Handler", (_QuietHandler,), {"requested": requested}), directory=str(directory)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
