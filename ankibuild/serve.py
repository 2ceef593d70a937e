"""`serve`: the preview over HTTP on 127.0.0.1, rebuilt when the project changes, with live reload.

The server answers only with the files of the current site (a path is looked up, never joined onto
a folder), so nothing outside the preview can be reached, `..` or not; and only to requests addressed
to 127.0.0.1:PORT or localhost:PORT (a 403 otherwise), so a web page whose name an attacker points at
127.0.0.1 (DNS rebinding) cannot read it either. Each rebuild is announced on
`_preview/events` (server-sent events); the open page then asks `_preview/page.json` for the list of
notes (id and digest of each) and the sidebar, and `_preview/notes.json` for the notes it does not have
as they are now: an edit moves one note's HTML, not the 3 MB page, and the page keeps its place,
switches and filters.
"""

from __future__ import annotations

import json
import mimetypes
import sys
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .diagnostics import UsageError
from .preview import Page, Site

EVENTS = "_preview/events"
PAGE = "_preview/page.json"  # the page's pieces but the notes' HTML: which notes, in which order, with their digests
NOTES = "_preview/notes.json"  # ?generation=G&notes=3,7-9: those notes of page G (409 when the page is newer)
KEEPALIVE = 15.0  # seconds between comments on an idle event stream, to notice a closed page
TYPES = {".js": "text/javascript", ".woff": "font/woff", ".svg": "image/svg+xml", ".webp": "image/webp"}


class PreviewServer(ThreadingHTTPServer):
    """Serves one site at a time; `publish` swaps in a new one and tells the open pages."""

    daemon_threads = True

    def __init__(self, port: int, site: Site, page: Page) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.site, self.page = site, page
        self.generation = 0
        self.stopping = False
        self.changed = threading.Condition()

    def publish(self, site: Site, page: Page) -> None:
        """Serve `site` from now on and wake the open pages; nothing when it is the one served."""
        with self.changed:
            if site is self.site and page is self.page:
                return
            self.site, self.page, self.generation = site, page, self.generation + 1
            self.changed.notify_all()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()
        self.shutdown()
        self.server_close()


def site_path(request_path: str) -> str | None:
    """The site file a request names (`/` is index.html), or None for anything that is not a plain
    relative path: `..` and `.` segments (also percent-encoded), backslashes, NUL."""
    path = unquote(request_path.split("?", 1)[0].split("#", 1)[0])
    parts = path.split("/")[1:]
    if not path.startswith("/") or "\\" in path or "\0" in path or any(part in ("..", ".") for part in parts):
        return None
    return "/".join(parts) or "index.html"


def _numbers(ranges: str, count: int) -> list[int] | None:
    """The note numbers `3,7-9` names, or None when one is not below `count` (or the text is not ranges)."""
    numbers = []
    for part in filter(None, ranges.split(",")):
        first, _, last = part.partition("-")
        if not first.isdigit() or not (last or first).isdigit() or int(last or first) >= count:
            return None
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def allowed_hosts(port: int) -> set[str]:
    """The Host headers of requests meant for this server: its own address or localhost, with its port
    (which a browser leaves out for port 80 only)."""
    names = {"127.0.0.1", "localhost"}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if (self.headers.get("Host") or "").lower() not in allowed_hosts(self.server.server_address[1]):
            return self.send_error(403, "Not addressed to this preview: open it as http://127.0.0.1:PORT/")
        name = site_path(self.path)
        if name == EVENTS:
            return self._events()
        with self.server.changed:
            site, page, generation = self.server.site, self.server.page, self.server.generation
        if name == PAGE:
            return self._send(name, json.dumps({"generation": generation, "title": page.title, "side": page.side,
                                                "head": page.head,
                                                "notes": [[note.id, note.digest] for note in page.notes]}).encode())
        if name == NOTES:
            query = parse_qs(urlsplit(self.path).query)
            wanted = _numbers(query.get("notes", [""])[0], len(page.notes))
            if query.get("generation") != [str(generation)] or wanted is None:
                return self.send_error(409, "The page changed since: ask _preview/page.json again")
            return self._send(name, json.dumps([page.notes[index].html for index in wanted]).encode())
        content = site.get(name) if name is not None else None
        if content is None:
            return self.send_error(404, "Not in the preview")
        try:
            data = content.read_bytes() if isinstance(content, Path) else content
        except OSError:  # a media file deleted since the build: the next rebuild drops it
            return self.send_error(404, "Not in the preview")
        self._send(name, data)

    def _send(self, name: str, data: bytes) -> None:
        suffix = Path(name).suffix.lower()
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(data)

    def _events(self) -> None:
        """One `data: <generation>` now and after each rebuild, until the page goes or the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        seen = None
        server = self.server
        try:
            while True:
                with server.changed:
                    server.changed.wait_for(lambda: server.stopping or server.generation != seen, timeout=KEEPALIVE)
                    if server.stopping:
                        return
                    message = f"data: {server.generation}\n\n" if server.generation != seen else ": idle\n\n"
                    seen = server.generation
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        """Quiet: the terminal shows the build's diagnostics, not every request."""


Rebuild = Callable[[set[Path] | None], tuple[Site, Page]]  # the paths changed since the last call (None: unknown)


def watch_and_rebuild(server: PreviewServer, rebuild: Rebuild, root: Path, ignore: Iterable[Path],
                      stop: threading.Event | None = None) -> None:
    """Rebuild and publish whenever a file under `root` changes (editor swap files, caches, `.git`,
    virtual environments and the `ignore` folders excepted), until `stop` is set."""
    from watchfiles import DefaultFilter, watch

    ignored = DefaultFilter(ignore_paths=[str(folder.resolve()) for folder in ignore])
    for changes in watch(root.resolve(), watch_filter=ignored, debounce=50, step=20, stop_event=stop,
                         rust_timeout=500):
        server.publish(*rebuild({Path(path) for _, path in changes}))


def serve(rebuild: Rebuild, root: Path, port: int, ignore: Iterable[Path]) -> None:
    """Build, serve on 127.0.0.1:`port`, rebuild on every change; until Ctrl-C."""
    site, page = rebuild(None)
    try:
        server = PreviewServer(port, site, page)
    except OSError as err:
        raise UsageError(f"error: cannot serve on 127.0.0.1:{port} ({err.strerror}); choose another --port") from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        print(f"Serving the preview at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", file=sys.stderr)
        watch_and_rebuild(server, rebuild, root, ignore)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
