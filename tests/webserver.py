"""A scriptable HTTP server on 127.0.0.1, so download tests never need the internet."""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


def tiny_png(grey: int = 0x80) -> bytes:
    """A valid 1×1 grey PNG, built here so the tests need no binary files."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    pixels = zlib.compress(bytes([0, grey]))  # filter byte "none", one grey pixel
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = tiny_png()
SVG = (
    b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<!-- drawn by hand -->\n"
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">\n'
    b'  <rect width="1" height="1"/>\n'
    b"</svg>\n"
)
HTML = b"<!DOCTYPE html><html><body><h1>Sorry, this page does not exist</h1></body></html>"


class Server:
    """A local web server whose answer for each path the test scripts; unknown paths get 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.closing = threading.Event()  # wakes handlers that stall on purpose
        script = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                script.requests.append((self.path, self.headers.get("User-Agent", "")))
                route = script.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                else:
                    route(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class QuietServer(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # the client hanging up on a slow or oversized answer is the point

        self._httpd = QuietServer(("127.0.0.1", 0), Handler)
        # A short poll interval keeps stop() (and so every test's teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def serve(
        self, path: str, body: bytes, content_type: str = "image/png", status: int = 200
    ) -> str:
        """Answer `path` with a complete response and return its URL."""

        def route(request: BaseHTTPRequestHandler) -> None:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)

        self.routes[path] = route
        return self.url(path)

    def stop(self) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
