"""Remote images are downloaded once, cached, and every failure is a short, printable reason.

Every test talks to a real HTTP server on 127.0.0.1 that it scripts path by path; nothing
needs the internet.
"""

from __future__ import annotations

import socket
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from webserver import HTML, PNG, SVG, Server

import ankibuild.files
from ankibuild.fetch import FetchError, RemoteCache


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "not" / "yet" / "created"


def fetch_error(cache: RemoteCache, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        cache.fetch(url)
    return str(caught.value)


def test_a_png_is_downloaded_once_and_then_served_from_the_cache_even_after_the_server_is_gone(
    server: Server, cache_dir: Path
) -> None:
    url = server.serve("/cat.png", PNG)

    image = RemoteCache(cache_dir).fetch(url)
    assert image.extension == "png"
    assert image.path.parent == cache_dir
    assert image.path.read_bytes() == PNG
    assert RemoteCache(cache_dir).fetch(url) == image
    assert [path for path, _ in server.requests] == ["/cat.png"]
    assert server.requests[0][1].startswith("ankibuild/")

    server.stop()
    assert RemoteCache(cache_dir).fetch(url) == image


def test_an_svg_is_recognised_by_its_markup_behind_bom_xml_declaration_comment_and_doctype(
    server: Server, cache_dir: Path
) -> None:
    url = server.serve("/diagram.svg", SVG, content_type="image/svg+xml")
    image = RemoteCache(cache_dir).fetch(url)
    assert image.extension == "svg"
    assert image.path.read_bytes() == SVG


@pytest.mark.parametrize(
    ("extension", "head"),
    [
        ("jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        ("gif", b"GIF87a\x01\x00\x01\x00"),
        ("gif", b"GIF89a\x01\x00\x01\x00"),
        ("webp", b"RIFF\x1a\x00\x00\x00WEBPVP8L"),
        ("bmp", b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00"),
        ("avif", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"),
        ("avif", b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avifmiaf"),  # generic major brand
        ("svg", b"<svg/>"),
    ],
)
def test_each_supported_format_is_recognised_by_its_bytes_whatever_the_server_claims(
    server: Server, cache_dir: Path, extension: str, head: bytes
) -> None:
    url = server.serve("/picture", head + bytes(32), content_type="application/octet-stream")
    image = RemoteCache(cache_dir).fetch(url)
    assert image.extension == extension
    assert image.path.name.endswith(f".{extension}")


def test_a_missing_image_reports_the_http_status(server: Server, cache_dir: Path) -> None:
    assert fetch_error(RemoteCache(cache_dir), server.url("/gone.png")) == "HTTP 404"


def test_a_redirect_is_followed_to_the_image(server: Server, cache_dir: Path) -> None:
    def moved(request: BaseHTTPRequestHandler) -> None:
        request.send_response(301)
        request.send_header("Location", "/new.png")
        request.send_header("Content-Length", "0")
        request.end_headers()

    server.routes["/old.png"] = moved
    server.serve("/new.png", PNG)
    assert RemoteCache(cache_dir).fetch(server.url("/old.png")).extension == "png"


def test_a_redirect_away_from_http_is_refused(server: Server, cache_dir: Path) -> None:
    def to_ftp(request: BaseHTTPRequestHandler) -> None:
        request.send_response(302)
        request.send_header("Location", "ftp://127.0.0.1/cat.png")
        request.send_header("Content-Length", "0")
        request.end_headers()

    server.routes["/cat.png"] = to_ftp
    message = fetch_error(RemoteCache(cache_dir), server.url("/cat.png"))
    assert message == "redirected to a non-http(s) URL"


def test_a_server_that_never_answers_times_out_quickly(server: Server, cache_dir: Path) -> None:
    server.routes["/slow.png"] = lambda request: server.closing.wait(10)
    started = time.monotonic()
    message = fetch_error(RemoteCache(cache_dir, timeout=0.3), server.url("/slow.png"))
    assert message == "timed out after 0.3 s"
    assert time.monotonic() - started < 5  # a hang guard, far above the expected 0.3-0.6 s


def test_a_server_that_trickles_bytes_is_cut_off_at_the_overall_deadline(
    server: Server, cache_dir: Path
) -> None:
    def trickle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        request.send_header("Content-Length", "1000")
        request.end_headers()
        for byte in (PNG * 100)[:1000]:  # each byte well within the per-read timeout
            request.wfile.write(bytes([byte]))
            if server.closing.wait(0.05):
                return

    server.routes["/drip.png"] = trickle
    started = time.monotonic()
    message = fetch_error(RemoteCache(cache_dir, timeout=0.3), server.url("/drip.png"))
    assert message == "took longer than 0.6 s"
    assert time.monotonic() - started < 5  # a hang guard, far above the expected 0.3-0.6 s


def test_an_image_announced_as_too_large_is_refused_without_reading_it(
    server: Server, cache_dir: Path
) -> None:
    def huge(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        request.send_header("Content-Length", str(2**30))
        request.end_headers()
        request.wfile.write(PNG)
        server.closing.wait(10)  # reading on would time out instead of failing fast

    server.routes["/huge.png"] = huge
    cache = RemoteCache(cache_dir, timeout=5, max_bytes=10 * 2**20)
    assert fetch_error(cache, server.url("/huge.png")) == "larger than 10 MiB"


@pytest.mark.parametrize("framing", ["chunked", "until-close"])
def test_an_image_streamed_without_a_length_is_cut_off_once_it_exceeds_the_cap(
    server: Server, cache_dir: Path, framing: str
) -> None:
    def endless(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        if framing == "chunked":
            request.send_header("Transfer-Encoding", "chunked")
        else:
            request.send_header("Connection", "close")
        request.end_headers()
        data = PNG + bytes(1024)
        while not server.closing.is_set():  # until the client hangs up
            if framing == "chunked":
                request.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            else:
                request.wfile.write(data)

    server.routes["/endless.png"] = endless
    cache = RemoteCache(cache_dir, timeout=5, max_bytes=4096)
    assert fetch_error(cache, server.url("/endless.png")) == "larger than 4 KiB"
    assert not cache_dir.exists()


def test_an_html_error_page_served_with_200_is_not_an_image(
    server: Server, cache_dir: Path
) -> None:
    url = server.serve("/cat.png", HTML, content_type="text/html; charset=utf-8")
    assert fetch_error(RemoteCache(cache_dir), url) == "not an image (text/html)"
    assert not cache_dir.exists()


def test_a_page_that_opens_with_many_comments_is_rejected_quickly(
    server: Server, cache_dir: Path
) -> None:
    # Looks like the start of an SVG prolog; a naive pattern backtracks exponentially here.
    url = server.serve("/cat.png", b"<!-- x -->" * 24 + HTML, content_type="text/html")
    started = time.monotonic()
    assert fetch_error(RemoteCache(cache_dir), url) == "not an image (text/html)"
    assert time.monotonic() - started < 5  # a hang, not a speed measure: the naive pattern takes minutes


def test_an_empty_response_is_an_error(server: Server, cache_dir: Path) -> None:
    url = server.serve("/blank.png", b"")
    assert fetch_error(RemoteCache(cache_dir), url) == "empty response"


def test_a_refused_connection_is_reported(cache_dir: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message = fetch_error(RemoteCache(cache_dir), f"http://127.0.0.1:{port}/cat.png")
    assert message == "connection refused"


def test_offline_mode_reports_a_miss_without_touching_the_network(
    server: Server, cache_dir: Path
) -> None:
    url = server.serve("/cat.png", PNG)
    assert fetch_error(RemoteCache(cache_dir, offline=True), url) == "offline: not in cache"
    assert server.requests == []


def test_offline_mode_serves_images_cached_by_an_earlier_build(
    server: Server, cache_dir: Path
) -> None:
    url = server.serve("/cat.png", PNG)
    online = RemoteCache(cache_dir).fetch(url)
    assert RemoteCache(cache_dir, offline=True).fetch(url) == online
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/cat.png",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "images/cat.png",
        "//example.com/cat.png",
        "http:///cat.png",
        "http://[::1/cat.png",
    ],
)
def test_only_absolute_http_and_https_urls_are_fetched(cache_dir: Path, url: str) -> None:
    with pytest.raises(FetchError):
        RemoteCache(cache_dir).fetch(url)


def test_a_failed_download_is_not_cached_and_is_retried_on_the_next_build(
    server: Server, cache_dir: Path
) -> None:
    url = server.serve("/cat.png", b"overloaded", content_type="text/plain", status=503)
    assert fetch_error(RemoteCache(cache_dir), url) == "HTTP 503"

    server.serve("/cat.png", PNG)
    assert RemoteCache(cache_dir).fetch(url).extension == "png"
    assert len(server.requests) == 2


def test_an_interrupted_cache_write_leaves_nothing_that_counts_as_a_hit(
    server: Server, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    url = server.serve("/cat.png", PNG)
    monkeypatch.setattr(ankibuild.files.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        RemoteCache(cache_dir).fetch(url)
    monkeypatch.undo()

    assert list(cache_dir.iterdir()) == []
    assert fetch_error(RemoteCache(cache_dir, offline=True), url) == "offline: not in cache"


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_download_cut_short_is_an_error_and_nothing_is_cached(
    server: Server, cache_dir: Path, framing: str
) -> None:
    """The server announces 810 bytes (or chunks), sends 40 and hangs up: half an image is no image."""

    def truncated(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        if framing == "length":
            request.send_header("Content-Length", "810")
            request.end_headers()
            request.wfile.write(PNG[:40])
        else:
            request.send_header("Transfer-Encoding", "chunked")
            request.end_headers()
            request.wfile.write(b"%x\r\n%s" % (810, PNG[:40]))
        request.wfile.flush()
        request.close_connection = True

    server.routes["/cut.png"] = truncated
    message = fetch_error(RemoteCache(cache_dir, timeout=5), server.url("/cut.png"))
    assert message == ("connection closed after 40 of 810 bytes" if framing == "length"
                       else "connection closed mid-download")
    assert not cache_dir.exists() or not any(cache_dir.iterdir())
