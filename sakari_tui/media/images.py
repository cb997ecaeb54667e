"""Checking an image before it is decoded: what its bytes really are, how big it claims to be, and
whether it decodes whole. Imported only when a preview is asked for (Pillow is slow to import).

The content decides, not the server's Content-Type: a page served as image/png is refused. Only the
format the bytes sniff as is tried (Pillow would otherwise try every plugin it has). The header's
width × height is checked before any pixel is decoded (`Image.open` reads only the header), so a
small file that claims 30000 × 30000 pixels never gets memory for them.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib

from PIL import BmpImagePlugin, GifImagePlugin, Image, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from .attachments import IMAGE_TYPES, MediaError, clean_content_type, format_size

# The Pillow format for each type we preview, and its plugin (to read a header's size without
# Pillow's own bomb check getting there first, so the refusal can say how big the image is).
_FORMATS = {
    "image/png": ("PNG", PngImagePlugin.PngImageFile),
    "image/jpeg": ("JPEG", JpegImagePlugin.JpegImageFile),
    "image/gif": ("GIF", GifImagePlugin.GifImageFile),
    "image/webp": ("WEBP", WebPImagePlugin.WebPImageFile),
    "image/bmp": ("BMP", BmpImagePlugin.BmpImageFile),
}
assert set(_FORMATS) == IMAGE_TYPES

# What a damaged or cut-short file makes Pillow's decoders raise.
_DAMAGE = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error, zlib.error)

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<title", b"<div", b"<!--")
# Bytes that never appear in text (WHATWG MIME sniffing's "binary data bytes").
_BINARY_BYTES = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})


def sniff_type(data: bytes) -> str | None:
    """The type the bytes' signature says: an image type, application/pdf, text/html, text/plain or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    # "BM" alone starts too many texts: the DIB header size after it must be one of the real ones.
    if data[:2] == b"BM" and len(data) >= 18 and struct.unpack_from("<I", data, 14)[0] in _BMP_HEADER_SIZES:
        return "image/bmp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return _sniff_text(data[:1024])


def _sniff_text(head: bytes) -> str | None:
    if not head:
        return None
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c")
    if text.lower().startswith(_HTML_STARTS):
        return "text/html"
    if any(byte in _BINARY_BYTES for byte in head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # more than a character cut at the end of the sample
            return None
    return "text/plain"


def checked_image(
    data: bytes, *, declared_type: str | None = None, max_bytes: int = 20_000_000, max_pixels: int = 40_000_000
) -> Image.Image:
    """The first frame of an image, decoded and converted to RGB or RGBA; MediaError if it is not one,
    is too large, or is damaged."""
    if len(data) > max_bytes:
        raise MediaError(
            f"The image is too large to preview ({format_size(len(data))}; the limit is {format_size(max_bytes)})."
        )
    sniffed = sniff_type(data)
    if sniffed not in _FORMATS:
        raise MediaError(_not_an_image(sniffed, clean_content_type(declared_type)))
    format_name, plugin = _FORMATS[sniffed]
    with warnings.catch_warnings():
        # Pillow warns, then raises, above its own (global) pixel limit; a warning is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[format_name])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise MediaError(_too_many_pixels(_header_size(data, plugin))) from None
        except _DAMAGE:
            raise MediaError(DAMAGED) from None
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise MediaError(_too_many_pixels((width, height)))
            try:
                image.seek(0)  # an animated GIF or WebP: its first frame
                image.load()
                return image.convert("RGBA" if _has_alpha(image) else "RGB")
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise MediaError(_too_many_pixels((width, height))) from None
            except _DAMAGE:
                raise MediaError(DAMAGED) from None


DAMAGED = "The image is damaged or cut short, so it cannot be shown."


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _header_size(data: bytes, plugin: type[Image.Image]) -> tuple[int, int] | None:
    """The width and height an image's header claims, read without decoding or any size check."""
    try:
        with plugin(io.BytesIO(data)) as header:  # type: ignore[call-arg]
            return header.size
    except Exception:  # only for the message: a header too broken to read gives a message without numbers
        return None


def _too_many_pixels(size: tuple[int, int] | None) -> str:
    if size is None:
        return "The image is too large to preview."
    return f"The image is too large to preview ({size[0]} × {size[1]} pixels)."


def _not_an_image(sniffed: str | None, declared: str | None) -> str:
    though = f", though the server called it {declared}" if declared else ""
    if sniffed is None:
        return f"This file is not an image sakari-tui can show: its content is in no format it knows{though}."
    return f"This file is not an image: its content looks like {sniffed}{though}."
