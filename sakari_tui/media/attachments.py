"""What a message carries: its media items as `Attachment`s with a safe name, a kind and one display line.

Everything here comes from the network (the URL, the file name, the MIME type), so it is cleaned once,
on the way in: the URL is one line without control characters, the name can never be a path or act
on a terminal, the type is a plain `type/subtype` token or nothing. Pure: no I/O.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from ..text import BIDI_PLACEHOLDER, one_line

MAX_URL_LENGTH = 2048
MAX_NAME_LENGTH = 80
FALLBACK_NAME = "attachment"

WEB_SCHEMES = ("http", "https")
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
# Types that say nothing about the content: the name's extension knows more.
GENERIC_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "application/binary"})

ICONS = {"photo": "📷", "video": "🎞", "audio": "🎵", "document": "📄", "contact card": "👤", "file": "📎"}
_PLURALS = {
    "photo": ("photo", "photos"),
    "video": ("video", "videos"),
    "audio": ("audio", "audio files"),
    "document": ("document", "documents"),
    "contact card": ("contact card", "contact cards"),
    "file": ("file", "files"),
}
_CARD_TYPES = frozenset({"text/vcard", "text/x-vcard", "text/directory", "text/x-vcalendar"})
_DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/rtf",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/plain",
        "text/csv",
        "text/rtf",
    }
)
_EXTENSION_KINDS = {
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "webp", "bmp", "heic", "heif", "tif", "tiff"), "photo"),
    **dict.fromkeys(("mp4", "mov", "3gp", "3g2", "webm", "avi", "mkv", "m4v", "mpeg", "mpg"), "video"),
    **dict.fromkeys(("mp3", "m4a", "aac", "amr", "wav", "ogg", "oga", "opus", "flac"), "audio"),
    **dict.fromkeys(
        ("pdf", "doc", "docx", "odt", "rtf", "txt", "xls", "xlsx", "ods", "csv", "ppt", "pptx"), "document"
    ),
    **dict.fromkeys(("vcf", "vcard"), "contact card"),
}
_IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp"})
# Predictable extensions for the types carriers send (mimetypes' answers vary by platform).
_TYPE_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "video/mp4": ".mp4",
    "video/3gpp": ".3gp",
    "audio/mpeg": ".mp3",
    "audio/amr": ".amr",
    "application/pdf": ".pdf",
    "text/vcard": ".vcf",
    "text/x-vcard": ".vcf",
    "text/plain": ".txt",
}

# RFC 7231 token characters, lowercased; one `type/subtype`, no parameters.
_MIME_TOKEN = re.compile(r"[a-z0-9!#$&^_.+-]{1,63}/[a-z0-9!#$&^_.+-]{1,63}")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Characters Windows refuses in a name (and / \ already split off as paths).
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}")


class MediaError(Exception):
    """Fetching, saving, previewing or opening an attachment failed; `str()` is one sentence for the user.

    Defined here, at the bottom of the package, so that every media module can raise it; import it
    from `sakari_tui.media.fetch` (or here).
    """


@dataclass(frozen=True)
class Attachment:
    """One media item of a message, cleaned: every field is safe to show and to use as a file name."""

    url: str
    name: str
    content_type: str | None
    size: int | None
    scheme: str
    host: str | None

    @property
    def kind(self) -> str:
        """photo, video, audio, document, contact card or file: from the type, else the name's extension."""
        return _kind_of_type(self.content_type) or _EXTENSION_KINDS.get(_extension(self.name), "file")

    @property
    def icon(self) -> str:
        return ICONS[self.kind]

    @property
    def is_image(self) -> bool:
        """An image sakari-tui can preview (PNG, JPEG, GIF, WebP, BMP), by its declared type or name."""
        if self.content_type and self.content_type not in GENERIC_TYPES:
            return self.content_type in IMAGE_TYPES
        return _extension(self.name) in _IMAGE_EXTENSIONS

    @property
    def openable(self) -> bool:
        """Whether the link may be fetched or handed to the system opener."""
        return link_problem(self.url) is None

    def line(self) -> str:
        """One display line: icon, name, type, size and host, or why the link is not opened."""
        parts = [f"{self.icon} {self.name}"]
        if self.content_type:
            parts.append(self.content_type)
        if self.size is not None:
            parts.append(format_size(self.size))
        problem = link_problem(self.url)
        if problem is None:
            parts.append(self.host or "")
        else:
            parts.append(f"link not opened ({problem})")
        return " · ".join(parts)


def link_problem(url: str | None) -> str | None:
    """Why `url` may not be opened or fetched, as a short label ("file:", "no link"…), or None if it may.

    Only plain http(s) links to a named host: no user name (`https://bank.example@evil.test` shows one
    host and opens another), no backslash (URL parsers disagree on it), no whitespace or control or
    format characters, nothing cut short, and no leading '-' (an opener would read it as an option).
    """
    if not url:
        return "no link"
    scheme = scheme_of(url)
    if scheme and scheme not in WEB_SCHEMES:
        return f"{scheme if len(scheme) <= 20 else scheme[:19] + '…'}:"
    if not scheme or url.startswith("-"):
        return "not a web link"
    if len(url) >= MAX_URL_LENGTH and url.endswith("…"):
        return "link cut short"
    if "\\" in url or any(_unsafe_in_url(character) for character in url):
        return "unsafe link"
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 literal)
        return "unsafe link"
    if "@" in parts.netloc:
        return "link with a user name"
    if not parts.hostname:
        return "link without a host"
    return None


_REFUSALS = {
    "no link": "this one has no link",
    "not a web link": "this one is not a web link",
    "link cut short": "this one was cut short",
    "unsafe link": "this one has characters a link must not have",
    "link with a user name": "this one carries a user name before its host",
    "link without a host": "this one has no host",
}


def refusal(url: str | None) -> str:
    """The end of a sentence saying why a link is refused: "this one is a file: link", "this one has no link"."""
    problem = link_problem(url) or "unsafe link"
    if problem.endswith(":"):  # a scheme
        return f"this one is a {problem} link"
    return _REFUSALS.get(problem, f"this one is {problem}")


def _unsafe_in_url(character: str) -> bool:
    return character.isspace() or character == BIDI_PLACEHOLDER or unicodedata.category(character) in ("Cc", "Cf")


def scheme_of(url: str) -> str:
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else ""


def clean_url(raw: Any) -> str:
    """The URL on one line without control characters, at most MAX_URL_LENGTH characters ("" if none)."""
    if not isinstance(raw, str):
        return ""
    return one_line(raw, limit=MAX_URL_LENGTH)


def host_of(url: str) -> str | None:
    """The lowercase host of an http(s) URL, without port or user name; None for other links."""
    if scheme_of(url) not in WEB_SCHEMES:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


def clean_content_type(raw: Any) -> str | None:
    """`type/subtype` lowercased without parameters, or None when `raw` is not such a token."""
    if not isinstance(raw, str):
        return None
    token = raw.split(";", 1)[0].strip().lower()
    return token if _MIME_TOKEN.fullmatch(token) else None


# --- names ---------------------------------------------------------------------------------------


def safe_name(raw: str | None, url: str | None = None, content_type: str | None = None) -> str:
    """A file name that is never a path and never acts on a terminal, at most MAX_NAME_LENGTH characters.

    The last path segment only (of / and \\ both), without leading dots, spaces or dashes (`.bashrc` is
    made visible as `bashrc`, and `-rf` is not an option), without control, bidi or zero-width
    characters, with Windows' reserved names and characters replaced. An empty result falls back to
    the URL's last path segment, then to "attachment" plus an extension for `content_type`.
    """
    name = _clean_segment(raw)
    if not name and url:
        name = _clean_segment(_last_url_segment(url))
    if not name:
        name = FALLBACK_NAME + _TYPE_EXTENSIONS.get(clean_content_type(content_type) or "", "")
        if name == FALLBACK_NAME and content_type:
            guessed = mimetypes.guess_extension(clean_content_type(content_type) or "") or ""
            name += guessed if _EXTENSION.fullmatch(guessed) else ""
    return name


def _clean_segment(raw: str | None) -> str:
    flat = one_line(raw, limit=100_000)  # no controls or line breaks; bidi controls are placeholders
    flat = "".join(
        "_" if character == BIDI_PLACEHOLDER else character
        for character in flat
        if unicodedata.category(character) != "Cf"  # zero-width spaces and joiners, bidi marks, BOM
    )
    segments = [segment for segment in re.split(r"[/\\]", flat) if segment.strip()]
    name = segments[-1] if segments else ""
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    # Leading dots hide a file (or climb: "..") and leading dashes read as options; Windows drops
    # trailing dots and spaces, so two names that differ only there would collide.
    name = name.lstrip(". -").rstrip(". ")
    if _WINDOWS_RESERVED.fullmatch(name):
        name = "_" + name
    return _shortened(name)


def _shortened(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    dot = name.rfind(".")
    extension = name[dot:] if dot > 0 and _EXTENSION.fullmatch(name[dot:]) else ""
    stem = name[: MAX_NAME_LENGTH - len(extension)].rstrip(". ")
    return stem + extension


def _last_url_segment(url: str) -> str:
    """The percent-decoded last path segment of a hierarchical URL ("" for data:, javascript: and the like)."""
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", url) and not url.startswith("//"):
        return ""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return unquote(path.rsplit("/", 1)[-1])


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot + 1 :].lower() if dot > 0 else ""


def _kind_of_type(content_type: str | None) -> str | None:
    if not content_type or content_type in GENERIC_TYPES:
        return None
    if content_type in _CARD_TYPES:
        return "contact card"
    major = content_type.split("/", 1)[0]
    if major == "image":
        return "photo"
    if major in ("video", "audio"):
        return major
    if content_type in _DOCUMENT_TYPES or content_type.startswith(
        ("application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.")
    ):
        return "document"
    return "file"


# --- from the API --------------------------------------------------------------------------------


def attachment_from_media(item: Any) -> Attachment | None:
    """An Attachment from an api `MediaItem` or a dict with the same keys; None if it has no url and no name."""
    if isinstance(item, dict):
        field = item.get
    else:

        def field(key: str) -> Any:
            return getattr(item, key, None)

    raw_url, filename, label = (_text(field(key)) for key in ("url", "filename", "name"))
    if not raw_url.strip() and not filename.strip() and not label.strip():
        return None
    url = clean_url(raw_url)
    content_type = clean_content_type(field("type"))
    raw_size = item.get("size") if isinstance(item, dict) else None
    size = raw_size if isinstance(raw_size, int) and not isinstance(raw_size, bool) and raw_size >= 0 else None
    return Attachment(
        url=url,
        name=safe_name(_clean_segment(filename) or label, url, content_type),
        content_type=content_type,
        size=size,
        scheme=scheme_of(url),
        host=host_of(url),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def attachments_of(message: Any) -> list[Attachment]:
    """The attachments of an api `Message` (its `.media`), skipping items that carry nothing."""
    found = (attachment_from_media(item) for item in (getattr(message, "media", None) or []))
    return [attachment for attachment in found if attachment is not None]


def media_summary(items: Iterable[Attachment]) -> str:
    """A short summary for a message row: "📷 photo", "📷 2 photos", "📷 photo + 📄 document" (3 kinds at most)."""
    counts: dict[str, int] = {}
    for attachment in items:
        counts[attachment.kind] = counts.get(attachment.kind, 0) + 1
    parts = []
    for kind, count in list(counts.items())[:3]:
        singular, plural = _PLURALS[kind]
        parts.append(f"{ICONS[kind]} {singular}" if count == 1 else f"{ICONS[kind]} {count} {plural}")
    left_out = sum(list(counts.values())[3:])
    if left_out:
        parts.append(f"{left_out} more")
    return " + ".join(parts)


def format_size(n: int) -> str:
    """A size for people: "812 B", "2.1 KB", "1.4 MB".

    1000-based (SI), as phones, carriers and macOS state sizes; a limit of 20 MB is 20,000,000 bytes.
    """
    if n < 1000:
        return f"{max(n, 0)} B"
    value = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        shown = f"{value:.1f}".removesuffix(".0")
        if float(shown) < 1000 or unit == "TB":
            return f"{shown} {unit}"
    raise AssertionError("unreachable")
