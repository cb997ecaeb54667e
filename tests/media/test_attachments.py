"""Attachments from the API: cleaned URLs, safe names, kinds, display lines and summaries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakari_tui.api.models import Message
from sakari_tui.api.models.messages import MediaItem
from sakari_tui.media.attachments import (
    MAX_NAME_LENGTH,
    MAX_URL_LENGTH,
    Attachment,
    attachment_from_media,
    attachments_of,
    format_size,
    link_problem,
    media_summary,
    refusal,
    safe_name,
)

from ..support.hostile import HOSTILE, SCREEN_FORBIDDEN

# Nothing a name may hold: path separators, controls, bidi and zero-width characters, Windows' reserved characters.
NAME_FORBIDDEN = re.compile(r'[/\\<>:"|?*\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]')


def media(**fields) -> Attachment:
    attachment = attachment_from_media(fields)
    assert attachment is not None
    return attachment


# --- safe_name ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("damaged-box.png", "damaged-box.png"),
        ("../../.bashrc", "bashrc"),
        (".bashrc", "bashrc"),
        ("..\\..\\Windows\\system.ini", "system.ini"),
        ("/etc/passwd", "passwd"),
        ("photo\n.png", "photo .png"),
        ("a\x1b[31mred\x1b[0m.png", "a[31mred[0m.png"),
        ("invoice\u202egpj.exe", "invoice_gpj.exe"),
        ("zero\u200bwidth\u200d.png", "zerowidth.png"),
        ('what?<>:"|*.txt', "what_______.txt"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("  spaced  .png  ", "spaced .png"),
        ("-rf", "rf"),
        ("dots...", "dots"),
        ("😀 smile.gif", "😀 smile.gif"),
        ("طلب.pdf", "طلب.pdf"),
    ],
)
def test_safe_name_cleans(raw, expected):
    assert safe_name(raw) == expected


@pytest.mark.parametrize("raw", ["..", ".", "../..", "/", "\\", "", None, " \t\n ", "\u200b", "...."])
def test_an_empty_or_climbing_name_falls_back(raw):
    assert safe_name(raw) == "attachment"
    assert safe_name(raw, content_type="image/jpeg") == "attachment.jpg"
    assert safe_name(raw, "https://media.example/files/box%20photo.png?x=1") == "box photo.png"


def test_the_url_segment_is_decoded_then_cleaned():
    assert safe_name(None, "https://media.example/a/..%2F..%2F.bashrc") == "bashrc"
    assert safe_name(None, "https://media.example/a/%2e%2e") == "attachment"
    assert safe_name(None, "https://media.example/x%0a%1b%5b2J.png") == "x [2J.png"
    assert safe_name(None, "file:///etc/passwd") == "passwd"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo=", "mailto:a@b.example"])
def test_a_url_without_a_path_gives_no_name(url):
    assert safe_name(None, url, "image/png") == "attachment.png"


def test_a_long_name_keeps_its_extension():
    name = safe_name("x" * 300 + ".jpeg")
    assert len(name) == MAX_NAME_LENGTH
    assert name.endswith("x.jpeg")
    assert len(safe_name("y" * 300)) == MAX_NAME_LENGTH


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_names_become_plain_file_names(key):
    name = safe_name(HOSTILE[key], f"https://media.example/{HOSTILE[key]}")
    assert name
    assert len(name) <= MAX_NAME_LENGTH
    assert not NAME_FORBIDDEN.search(name), repr(name)
    assert not name.startswith((".", " ", "-"))
    assert name not in (".", "..")
    assert safe_name(name) == name


@given(st.text())
def test_safe_name_is_always_a_plain_name_and_idempotent(raw):
    name = safe_name(raw)
    assert name and len(name) <= MAX_NAME_LENGTH
    assert not NAME_FORBIDDEN.search(name)
    assert not re.search(r"[\ud800-\udfff]", name)
    assert safe_name(name) == name


# --- attachment_from_media -----------------------------------------------------------------------


def test_from_a_media_item():
    item = MediaItem(url="https://Media.Example:8443/a/b.png", type="Image/PNG; charset=x", filename="Box.png")
    attachment = attachment_from_media(item)
    assert attachment == Attachment(
        url="https://Media.Example:8443/a/b.png",
        name="Box.png",
        content_type="image/png",
        size=None,
        scheme="https",
        host="media.example",
    )
    assert attachment.openable and attachment.is_image and attachment.kind == "photo"


def test_name_comes_from_filename_then_name_then_url():
    assert media(url="https://h.example/u.png", filename="f.png", name="n.png").name == "f.png"
    assert media(url="https://h.example/u.png", name="n.png").name == "n.png"
    assert media(url="https://h.example/u.png", filename="..", name="n.png").name == "n.png"
    assert media(url="https://h.example/u.png").name == "u.png"


def test_size_only_from_a_plain_int():
    assert media(url="https://h.example/a", size=2100).size == 2100
    assert media(url="https://h.example/a", size="2100").size is None
    assert media(url="https://h.example/a", size=True).size is None
    assert media(url="https://h.example/a", size=-1).size is None


@pytest.mark.parametrize("raw", ["image", "image/", "/png", "image/png/x", "im age/png", "image/p\x1bng", "", 7, None])
def test_an_invalid_type_is_dropped(raw):
    assert media(url="https://h.example/a.png", type=raw).content_type is None


def test_nothing_to_show_gives_none():
    assert attachment_from_media({}) is None
    assert attachment_from_media(MediaItem()) is None
    assert attachment_from_media({"url": "  ", "type": "image/png"}) is None
    assert attachment_from_media({"url": 5, "filename": ["x"]}) is None
    assert attachment_from_media({"name": "card.vcf"}).name == "card.vcf"


def test_the_url_is_one_clean_line_of_limited_length():
    attachment = media(url="https://h.example/a\n\x1b]52;c;ZXZpbA==\x07b.png")
    assert not SCREEN_FORBIDDEN.search(attachment.url)
    assert not attachment.openable  # the line break became a space
    long = media(url="https://h.example/" + "a" * 5000)
    assert len(long.url) <= MAX_URL_LENGTH
    assert not long.openable


def test_attachments_of_a_message():
    message = Message.model_validate(
        {"id": "m1", "media": [{"url": "https://h.example/a.jpg"}, {}, {"url": "https://h.example/b.pdf"}]}
    )
    assert [attachment.name for attachment in attachments_of(message)] == ["a.jpg", "b.pdf"]
    assert attachments_of(Message.model_validate({"id": "m2", "media": None})) == []


# --- openable --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("file:///etc/passwd", "file:"),
        ("javascript:alert(1)", "javascript:"),
        ("JavaScript:alert(1)", "javascript:"),
        ("data:text/html,<script>alert(1)</script>", "data:"),
        ("", "no link"),
        ("-https://media.example/a.png", "not a web link"),
        ("//media.example/a.png", "not a web link"),
        ("https://user:pw@media.example/a.png", "link with a user name"),
        ("https://media.example@evil.test/a.png", "link with a user name"),
        ("https://media.example\\@evil.test/", "unsafe link"),
        ("https://media.example/a b.png", "unsafe link"),
        ("https://media.example/\u202egnp.exe", "unsafe link"),
        ("https://media.ex\u200bample/", "unsafe link"),
        ("https:///a.png", "link without a host"),
        ("https:a.png", "link without a host"),
        ("http://[::1/a", "unsafe link"),
    ],
)
def test_only_plain_web_links_are_openable(url, label):
    attachment = media(url=url, name="x")
    assert not attachment.openable
    assert link_problem(attachment.url) == label


@pytest.mark.parametrize(
    "url", ["https://media.example/a.png", "HTTP://127.0.0.1:8123/media/1?sig=abc", "https://[::1]:99/a"]
)
def test_web_links_are_openable(url):
    assert media(url=url).openable


def test_scheme_and_host():
    assert media(url="javascript:alert(1)").scheme == "javascript"
    assert media(url="javascript:alert(1)").host is None
    assert media(url="file:///etc/passwd").host is None
    assert media(url="HTTPS://u@Media.EXAMPLE:1/").host == "media.example"
    assert media(url="-x", name="a").scheme == ""


def test_refusal_sentences():
    assert refusal("file:///etc/passwd") == "this one is a file: link"
    assert refusal("") == "this one has no link"
    assert refusal("https://u@h.example/") == "this one carries a user name before its host"
    assert refusal("x" * 50 + ":y") == "this one is a " + "x" * 19 + "…: link"


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_urls_never_reach_the_screen_raw(key):
    attachment = attachment_from_media({"url": HOSTILE[key], "name": HOSTILE[key]})
    if attachment is None:
        assert not HOSTILE[key].strip()
        return
    line = attachment.line()
    assert not SCREEN_FORBIDDEN.search(line)
    assert not SCREEN_FORBIDDEN.search(attachment.url)


# --- kinds, lines, summaries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "kind", "icon"),
    [
        ({"type": "image/heic"}, "photo", "📷"),
        ({"type": "video/mp4"}, "video", "🎞"),
        ({"type": "audio/amr"}, "audio", "🎵"),
        ({"type": "application/pdf"}, "document", "📄"),
        ({"type": "text/vcard"}, "contact card", "👤"),
        ({"type": "application/zip"}, "file", "📎"),
        ({"filename": "a.JPG"}, "photo", "📷"),
        ({"filename": "a.mov"}, "video", "🎞"),
        ({"filename": "a.vcf", "type": "application/octet-stream"}, "contact card", "👤"),
        ({"filename": "a.docx"}, "document", "📄"),
        ({"filename": "a"}, "file", "📎"),
    ],
)
def test_kind_and_icon(fields, kind, icon):
    attachment = media(url="https://h.example/x", **fields)
    assert (attachment.kind, attachment.icon) == (kind, icon)


def test_is_image_only_for_previewable_formats():
    assert media(url="https://h/x", type="image/webp").is_image
    assert not media(url="https://h/x.png", type="image/heic").is_image
    assert not media(url="https://h/x.png", type="text/html").is_image
    assert media(url="https://h/x.gif", type="application/octet-stream").is_image
    assert media(url="https://h/x.bmp").is_image
    assert not media(url="https://h/x.svg").is_image


def test_display_lines():
    box = media(url="http://127.0.0.1:8123/m/1", filename="damaged-box.png", type="image/png", size=2100)
    assert box.line() == "📷 damaged-box.png · image/png · 2.1 KB · 127.0.0.1"
    assert media(url="https://h.example/doc").line() == "📎 doc · h.example"
    assert media(url="file:///etc/passwd").line() == "📎 passwd · link not opened (file:)"
    assert media(url="javascript:alert(1)", name="passwd").line() == "📎 passwd · link not opened (javascript:)"
    assert media(name="passwd").line() == "📎 passwd · link not opened (no link)"


def test_media_summary():
    photo = media(url="https://h/a.png")
    document = media(url="https://h/a.pdf")
    assert media_summary([]) == ""
    assert media_summary([photo]) == "📷 photo"
    assert media_summary([photo, photo]) == "📷 2 photos"
    assert media_summary([media(url="https://h/a")]) == "📎 file"
    assert media_summary([photo, document]) == "📷 photo + 📄 document"
    many = [photo, document, media(url="https://h/a.mp3"), media(url="https://h/a.vcf"), media(url="https://h/b.vcf")]
    assert media_summary(many) == "📷 photo + 📄 document + 🎵 audio + 2 more"


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (0, "0 B"),
        (812, "812 B"),
        (999, "999 B"),
        (1000, "1 KB"),
        (2100, "2.1 KB"),
        (999_949, "999.9 KB"),
        (999_999, "1 MB"),
        (1_400_000, "1.4 MB"),
        (20_000_000, "20 MB"),
        (3_210_000_000, "3.2 GB"),
    ],
)
def test_format_size(n, shown):
    assert format_size(n) == shown
