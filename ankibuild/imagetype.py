"""What an image file is, from its bytes: a file's extension and a server's Content-Type are often
wrong. Apart from fetch.py, so that checking a local image loads no network code."""

from __future__ import annotations

import re

# An SVG file may start with a BOM, whitespace, an XML declaration or other processing
# instructions, comments and a doctype (possibly with an internal subset) before `<svg`.
# The possessive `*+` matters: with plain `*` a body of many comments and no `<svg`
# backtracks exponentially.
_SVG = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*"
    rb"(?:(?:<\?.*?\?>|<!--.*?-->|(?i:<!doctype)[^>\[]*(?:\[.*?\])?\s*>)\s*)*+"
    rb"<svg[\s/>]",
    re.DOTALL,
)
# The DIB header that follows a BMP file header has one of these sizes; checking it keeps
# text that happens to start with "BM" from passing as a bitmap.
_BMP_DIB_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}


def sniff(data: bytes) -> str | None:
    """The image format by magic number, or None; a server's Content-Type is often wrong."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"BM") and int.from_bytes(data[14:18], "little") in _BMP_DIB_SIZES:
        return "bmp"
    if data[4:8] == b"ftyp":
        # The major brand may be generic (mif1) with AVIF only among the compatible brands.
        end = min(int.from_bytes(data[:4], "big"), len(data))
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, end, 4)}
        if brands & {b"avif", b"avis"}:
            return "avif"
    if _SVG.match(data):
        return "svg"
    return None
