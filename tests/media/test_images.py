"""Images are checked before decoding: the content must be an image, small enough, and whole."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from sakari_tui.media.fetch import MediaError
from sakari_tui.media.images import DAMAGED, checked_image, sniff_type


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes whose header claims `width` × `height` RGB pixels (the data holds one row)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def encoded(image: Image.Image, format_name: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format_name, **options)
    return out.getvalue()


def gradient(size=(40, 30), mode="RGB") -> Image.Image:
    image = Image.new(mode, size)
    image.putdata([(x * 6 % 256, y * 8 % 256, 128, 200)[: len(mode)] for y in range(size[1]) for x in range(size[0])])
    return image


# --- sniff_type -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_name", "expected"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp"), ("BMP", "image/bmp")],
)
def test_sniff_images_made_by_pillow(format_name, expected):
    assert sniff_type(encoded(gradient(), format_name)) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "application/pdf"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "text/html"),
        (b"\xef\xbb\xbf\n  <HTML lang=en>", "text/html"),
        (b"<script>alert(1)</script>", "text/html"),
        (b"Hello, your order is ready.\n", "text/plain"),
        ("Hyvää päivää 👍".encode(), "text/plain"),
        ("ä".encode() * 600, "text/plain"),  # the 1024-byte sample may end inside a character
        (b"BMW owners club", "text/plain"),
        (b"", None),
        (b"\x00\x01\x02\x03binary", None),
        (b"\xff\xfe\xfd\xfc" * 10, None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_sniff_other_content(data, expected):
    assert sniff_type(data) == expected


# --- checked_image ---------------------------------------------------------------------------------


def test_a_valid_png():
    image = checked_image(encoded(gradient(), "PNG"), declared_type="image/png")
    assert (image.size, image.mode) == ((40, 30), "RGB")
    assert image.getpixel((1, 1)) == (6, 8, 128)


def test_a_png_with_transparency_stays_rgba():
    image = checked_image(encoded(gradient(mode="RGBA"), "PNG"))
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 200


def test_a_valid_jpeg():
    image = checked_image(encoded(gradient((64, 48)), "JPEG", quality=90), declared_type="image/jpeg")
    assert (image.size, image.mode) == ((64, 48), "RGB")


@pytest.mark.parametrize("mode", ["L", "1", "P", "CMYK"])
def test_other_modes_become_rgb(mode):
    format_name = "JPEG" if mode == "CMYK" else "PNG"
    image = checked_image(encoded(Image.new(mode, (8, 8)), format_name))
    assert image.mode == "RGB"


def test_an_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (10, 10), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = checked_image(data, declared_type="image/gif")
    assert image.size == (10, 10)
    assert image.convert("RGB").getpixel((5, 5)) == (255, 0, 0)


def test_webp_and_bmp():
    assert checked_image(encoded(gradient(), "WEBP")).size == (40, 30)
    assert checked_image(encoded(gradient(), "BMP")).size == (40, 30)


def test_a_truncated_png():
    data = encoded(gradient((200, 200)), "PNG", compress_level=0)
    with pytest.raises(MediaError) as raised:
        checked_image(data[: len(data) // 2], declared_type="image/png")
    assert str(raised.value) == DAMAGED == "The image is damaged or cut short, so it cannot be shown."


def test_a_truncated_jpeg():
    data = encoded(gradient((200, 200)), "JPEG")
    with pytest.raises(MediaError, match="damaged or cut short"):
        checked_image(data[: len(data) // 2])


def test_a_png_cut_inside_its_header():
    with pytest.raises(MediaError, match="damaged or cut short"):
        checked_image(encoded(gradient(), "PNG")[:20])


def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = png_claiming(30000, 30000)
    assert len(bomb) < 200
    with pytest.raises(MediaError) as raised:
        checked_image(bomb, declared_type="image/png")
    assert str(raised.value) == "The image is too large to preview (30000 × 30000 pixels)."


def test_an_image_over_our_pixel_limit_but_under_pillows():
    with pytest.raises(MediaError) as raised:
        checked_image(png_claiming(8000, 6000))
    assert str(raised.value) == "The image is too large to preview (8000 × 6000 pixels)."
    with pytest.raises(MediaError, match=r"\(40 × 30 pixels\)"):
        checked_image(encoded(gradient(), "PNG"), max_pixels=1000)


def test_a_file_over_the_byte_limit():
    with pytest.raises(MediaError) as raised:
        checked_image(encoded(gradient(), "PNG"), max_bytes=100)
    assert str(raised.value).startswith("The image is too large to preview (")


def test_a_page_served_as_a_png():
    with pytest.raises(MediaError) as raised:
        checked_image(b"<!doctype html><title>404</title>", declared_type="image/png")
    assert str(raised.value) == (
        "This file is not an image: its content looks like text/html, though the server called it image/png."
    )


def test_other_content_that_is_not_an_image():
    with pytest.raises(MediaError) as raised:
        checked_image(b"%PDF-1.4 ...")
    assert str(raised.value) == "This file is not an image: its content looks like application/pdf."
    with pytest.raises(MediaError) as raised:
        checked_image(b"\x00\x00\x00\x18ftypheic", declared_type="image/heic\x1b[2J")
    assert str(raised.value) == "This file is not an image sakari-tui can show: its content is in no format it knows."
