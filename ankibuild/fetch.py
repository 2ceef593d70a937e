"""Download remote images once into a local cache so the cards work offline.

A deck ends up on a phone without network access, so an image referenced by URL has to be
embedded. Downloading is the slow, flaky part of a build: every download is bounded in time
and size, and every failure becomes a `FetchError` whose message the caller prints as a
warning before falling back to the remote URL.
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO

from . import __version__
from .files import write_atomic
from .imagetype import sniff

USER_AGENT = f"ankibuild/{__version__}"
EXTENSIONS = ("png", "jpg", "gif", "webp", "svg", "bmp", "avif")
_CHUNK = 64 * 2**10
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"  # reserved characters and escapes stay; others are percent-encoded



class FetchError(Exception):
    """Why a remote image could not be fetched; str(err) is a short human reason such as
    'HTTP 404', 'timed out after 10 s', 'larger than 10 MiB', 'not an image (text/html)',
    'offline: not in cache'."""


@dataclass(frozen=True)
class RemoteImage:
    path: Path  # the cached file with the image bytes
    extension: str  # sniffed from the bytes, lower-case, no dot: png, jpg, gif, ...


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """urllib would also follow a redirect to ftp://, which the limits below do not cover."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            fp.close()
            raise FetchError("redirected to a non-http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpRedirectsOnly)


class RemoteCache:
    """Downloads remote images once into a cache directory.

    A cached file is named after the sha256 of its URL plus the sniffed extension, so a
    hit needs neither the network nor a second look at the bytes. Only complete, verified
    images are ever written, and atomically, so every file in the cache can be trusted.
    """

    def __init__(
        self,
        directory: Path,
        *,
        offline: bool = False,
        timeout: float = 10.0,
        max_bytes: int = 10 * 2**20,
    ) -> None:
        self.directory = Path(directory)
        self.offline = offline
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._failed: dict[str, FetchError] = {}  # within one build, a failure is not retried

    def fetch(self, url: str) -> RemoteImage:
        """Return the cached image for `url`, downloading it first on a miss."""
        url = urllib.parse.quote(url, safe=URL_SAFE)  # as a browser sends `ü` or a space in a src
        if url in self._failed:
            raise self._failed[url]
        try:
            return self._fetch(url)
        except FetchError as error:
            self._failed[url] = error
            raise

    def _fetch(self, url: str) -> RemoteImage:
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError as error:  # e.g. a malformed IPv6 host
            raise FetchError(f"invalid URL: {error}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("not an http(s) URL")

        key = hashlib.sha256(url.encode()).hexdigest()
        for extension in EXTENSIONS:
            path = self.directory / f"{key}.{extension}"
            if path.is_file():
                return RemoteImage(path, extension)
        if self.offline:
            raise FetchError("offline: not in cache")

        data, content_type = self._download(url)
        if not data:
            raise FetchError("empty response")
        extension = sniff(data)
        if extension is None:
            raise FetchError(f"not an image ({content_type})")
        path = self.directory / f"{key}.{extension}"
        self._store(path, data)
        return RemoteImage(path, extension)

    def _download(self, url: str) -> tuple[bytes, str]:
        """Return the body and the claimed content type, within the time and size limits."""
        deadline = time.monotonic() + 2 * self.timeout
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                if response.length is not None and response.length > self.max_bytes:
                    raise FetchError(f"larger than {_size(self.max_bytes)}")
                content_type = response.headers.get("Content-Type", "no Content-Type")
                announced = response.length  # Content-Length, if the server sent one
                chunks: list[bytes] = []
                received = 0
                # read1 returns after each network read, so a server trickling bytes just
                # fast enough to dodge the per-read timeout still meets the deadline.
                while chunk := response.read1(_CHUNK):
                    received += len(chunk)
                    if received > self.max_bytes:
                        raise FetchError(f"larger than {_size(self.max_bytes)}")
                    if time.monotonic() > deadline:
                        raise FetchError(f"took longer than {2 * self.timeout:g} s")
                    chunks.append(chunk)
                if announced is not None and received < announced:  # http.client returns a short body
                    raise FetchError(f"connection closed after {received} of {announced} bytes")
        except urllib.error.HTTPError as error:
            error.close()
            raise FetchError(f"HTTP {error.code}") from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            # ValueError: some bad URLs (non-ASCII path, invalid host name) fail only here.
            raise FetchError(self._reason(error)) from None
        return b"".join(chunks), content_type.split(";")[0].strip()

    def _reason(self, error: BaseException) -> str:
        """A short human reason for a network error; urllib often wraps the real one."""
        if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
            return self._reason(error.reason)
        if isinstance(error, TimeoutError):
            return f"timed out after {self.timeout:g} s"
        if isinstance(error, ConnectionRefusedError):
            return "connection refused"
        if isinstance(error, ssl.SSLCertVerificationError):
            return f"TLS certificate rejected ({error.verify_message})"
        if isinstance(error, socket.gaierror):
            return f"DNS lookup failed ({error.strerror})"
        if isinstance(error, UnicodeError):
            return "invalid characters in URL"
        if isinstance(error, http.client.IncompleteRead):
            return "connection closed mid-download"
        if isinstance(error, urllib.error.URLError):
            return str(error.reason)
        return str(error) or type(error).__name__

    def _store(self, path: Path, data: bytes) -> None:
        """Write atomically: a killed build must never leave a truncated file that looks
        like a cache hit (staged names start with a dot and never match a cache key)."""
        try:
            write_atomic(path, data)
        except OSError as error:
            raise FetchError(f"cannot write cache: {error}") from None


def _size(n: int) -> str:
    """'10 MiB' rather than '10485760 bytes' in messages."""
    for unit, factor in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n} bytes"
