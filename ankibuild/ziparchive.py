"""The .apkg's zip container, written by hand: the same bytes as `zipfile` with fixed entry dates
(tests/test_package.py compares the two), at a fraction of its cost per entry. A deck packs hundreds
of figures, and zipfile's per-entry objects and wrappers were most of the time to pack one.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

CHUNK = 2**20  # files are read in pieces, never whole: a 50,000-note collection is large
DOS_DATE = 1 << 5 | 1  # 1980-01-01, the earliest date a zip entry holds; time 00:00:00
VERSION = 20  # "2.0": what deflate needs; zipfile writes it for stored entries too
MADE_ON_UNIX = 3
PERMISSIONS = 0o644 << 16
LIMIT = 0xFFFF_FFFF  # past it, an entry needs zip64 fields
LEVEL = 1  # deflate's fastest level: a 1.4 MB collection packs in a third of the default's (level 6) time,
# 25% larger; the figures, nearly all of a deck's bytes, are stored as they are anyway


class ZipLimitError(ValueError):
    """An entry or the archive is past 4 GiB, which this writer does not spell in zip64."""


def zip_bytes(entries: list[tuple[str, bytes | Path, bool]]) -> bytes:
    """The archive of `entries` (name, contents or file, deflate?) in order, every entry dated
    1980-01-01 and readable by its owner and all (0644), deflated at LEVEL."""
    out = io.BytesIO()
    central = []
    for name, data, deflate in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(bytes(30 + len(encoded)))  # the local header, filled in once the sizes are known
        crc, size = _write_data(out, data, deflate)
        packed = out.tell() - offset - 30 - len(encoded)
        if max(offset, size, packed) > LIMIT:
            raise ZipLimitError(f"'{name}' or the archive is over 4 GiB")
        flags_and_more = (0x800 if not encoded.isascii() else 0, 8 if deflate else 0, 0, DOS_DATE, crc, packed, size)
        out.seek(offset)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", VERSION, *flags_and_more, len(encoded), 0) + encoded)
        out.seek(0, io.SEEK_END)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", VERSION, MADE_ON_UNIX, VERSION, 0,
                                   *flags_and_more, len(encoded), 0, 0, 0, 0, PERMISSIONS, offset) + encoded)
    start = out.tell()
    out.write(b"".join(central))
    if start > LIMIT:
        raise ZipLimitError("the archive is over 4 GiB")
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start,
                          start, 0))
    return out.getvalue()


def _write_data(out: io.BytesIO, data: bytes | Path, deflate: bool) -> tuple[int, int]:
    """Writes the entry's data (raw deflate, as zip stores it); its CRC-32 and size."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15) if deflate else None
    crc = size = 0
    for piece in _pieces(data):
        crc = zlib.crc32(piece, crc)
        size += len(piece)
        out.write(compressor.compress(piece) if compressor else piece)
    if compressor:
        out.write(compressor.flush())
    return crc, size


def _pieces(data: bytes | Path):
    if isinstance(data, bytes):
        yield data
        return
    with data.open("rb") as source:
        while piece := source.read(CHUNK):
            yield piece
