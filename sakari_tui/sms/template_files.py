"""Templates as files: one `<slug>.txt` per template, a small front matter above the text.

    ---
    name: Order ready
    type: SMS
    id: 5f2c0e…
    ---
    Hi {{ firstName }}, your order is ready.

The front matter is `key: value` lines (name, type, id), not YAML: three keys need no parser
dependency, and a strict reader can name the file and line of every mistake. A value is the rest
of the line, blanks trimmed; a value that would not survive that (blanks at its ends, a line
break or another control, a leading quote, nothing at all) is written as a JSON string instead,
so any name Sakari holds comes back exactly.

The text below the closing `---` is the template exactly as Sakari stores it, plus one newline
that ends the file; reading drops that one newline (if an editor dropped it, nothing is lost), so
pull then push changes nothing. A file whose every line ends in CRLF (git's autocrlf on Windows)
has its text read with LF line ends; otherwise a CR in the text is kept as written.

Pure: no I/O. Reading and writing folders is `sync/template_sync.py`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..text import one_line

if TYPE_CHECKING:
    from ..api.models import Template

TEMPLATE_TYPES = ("SMS", "Web")
"""The types Sakari knows (see the API notes §7); a new template is SMS, as the app creates it."""

DEFAULT_TYPE = "SMS"
SUFFIX = ".txt"
FENCE = "---"
MAX_SLUG = 60
"""Characters of a slug before its suffix: a name is a label, and long file names break tools."""

KEYS = ("name", "type", "id")

# Device names Windows will not open as files, whatever their extension.
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})
# Characters that make a bare value unsafe to write raw: controls, DEL, C1, bidi controls, line
# separators and lone surrogates (escaped in the JSON form so the file itself stays harmless).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Ids go into URL paths: Sakari's are hex; allow the usual id alphabet and nothing that walks paths.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")


@dataclass(frozen=True)
class TemplateFile:
    """One template as read from (or to be written to) a file."""

    file_name: str
    name: str
    type: str
    body: str
    id: str | None = None
    """Sakari's id; None for a template written by hand that push will create."""


def slugify(name: str | None) -> str:
    """A file-name stem for a template name: lowercase ASCII letters, digits and single hyphens.

    Accents are dropped (Café → cafe), everything else becomes a hyphen; a name with nothing left
    (emoji, another script) is "template". Never empty, never a path, never hidden."""
    ascii_only = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")
    slug = slug[:MAX_SLUG].rstrip("-") or "template"
    return f"{slug}-template" if slug in _RESERVED else slug


def file_name_for(name: str | None, taken: Collection[str] = ()) -> str:
    """`<slug>.txt`, or `<slug>-2.txt`, `-3`… for the first not in `taken` (compared without case,
    as macOS and Windows compare file names)."""
    used = {item.casefold() for item in taken}
    slug = slugify(name)
    candidate, number = f"{slug}{SUFFIX}", 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{slug}-{number}{SUFFIX}"
    return candidate


def is_template_file_name(name: str) -> bool:
    """Whether a folder entry can be a template file: `*.txt`, not hidden, not a path."""
    return (
        name.endswith(SUFFIX)
        and len(name) > len(SUFFIX)
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and "\x00" not in name
    )


# --- writing -----------------------------------------------------------------------------------


def _value(text: str) -> str:
    """A front-matter value: bare when it reads back the same, else a JSON string."""
    if text and text == text.strip() and not _UNSAFE.search(text) and not text.startswith(('"', "'")):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)


def remote_type(template: Template) -> str:
    """The type a template has at Sakari (SMS when the answer leaves it out)."""
    return template.type or DEFAULT_TYPE


def render_file(file: TemplateFile) -> str:
    """The text of a template file."""
    lines = [FENCE, f"name: {_value(file.name)}", f"type: {_value(file.type)}"]
    if file.id:
        lines.append(f"id: {_value(file.id)}")
    lines += [FENCE, file.body]
    return "\n".join(lines) + "\n"


def as_file(template: Template, file_name: str) -> TemplateFile:
    """A template from Sakari as the file `file_name` would hold it."""
    return TemplateFile(file_name, template.name or "", remote_type(template), template.template or "", template.id)


def render_template_file(template: Template, taken: Collection[str] = ()) -> tuple[str, str]:
    """(file name, content) for a template from Sakari; the name avoids those in `taken`."""
    file_name = file_name_for(template.name, taken)
    return file_name, render_file(as_file(template, file_name))


# --- reading -----------------------------------------------------------------------------------


def _where(file_name: str, line: int | None = None) -> str:
    shown = one_line(file_name, 80)
    return f"{shown} line {line}" if line is not None else shown


def _read_value(raw: str, file_name: str, line: int) -> str:
    if not raw.startswith('"'):
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        raise ValueError(
            f"{_where(file_name, line)}: a value that starts with a double quote must be a JSON string."
        ) from None
    if not isinstance(value, str):  # pragma: no cover - a JSON text starting with " is a string
        raise ValueError(f"{_where(file_name, line)}: a value that starts with a double quote must be a JSON string.")
    return value


def parse_template_file(file_name: str, content: str) -> TemplateFile:
    """A template file read back; ValueError with one sentence naming the file (and line) if it is not one."""
    crlf = content.startswith(FENCE + "\r\n")
    lines = content.split("\n")
    if lines[0].rstrip("\r") != FENCE:
        raise ValueError(f"{_where(file_name, 1)}: a template file starts with a line '---' opening its front matter.")
    fields: dict[str, tuple[str, int]] = {}
    for number, raw_line in enumerate(lines[1:], start=2):
        line = raw_line.rstrip("\r")
        if line == FENCE:
            body = "\n".join(lines[number:])
            break
        if not line.strip():
            continue
        key, colon, raw = line.partition(":")
        key = key.strip()
        if not colon:
            raise ValueError(f"{_where(file_name, number)}: expected 'key: value' (name, type or id).")
        if key not in KEYS:
            raise ValueError(
                f"{_where(file_name, number)}: unknown key '{one_line(key, 40)}' (expected name, type or id)."
            )
        if key in fields:
            raise ValueError(f"{_where(file_name, number)}: '{key}' is given twice.")
        fields[key] = (_read_value(raw.strip(), file_name, number), number)
    else:
        raise ValueError(f"{_where(file_name)}: the front matter opened on line 1 is never closed with a line '---'.")
    if crlf:
        body = body.replace("\r\n", "\n")
    body = body.removesuffix("\n")
    return _checked(file_name, fields, body)


def _checked(file_name: str, fields: dict[str, tuple[str, int]], body: str) -> TemplateFile:
    template_id, id_line = fields.get("id", (None, None))
    if template_id is not None and not _ID.fullmatch(template_id):
        raise ValueError(f"{_where(file_name, id_line)}: the id must be letters, digits, '-' or '_' as pull wrote it.")
    if "name" not in fields:
        raise ValueError(f"{_where(file_name)}: the front matter has no 'name:' line.")
    name, name_line = fields["name"]
    # A template Sakari holds without a name may stay so; a new one needs one (as in the app).
    if not name.strip() and template_id is None:
        raise ValueError(f"{_where(file_name, name_line)}: the name is empty.")
    kind, type_line = fields.get("type", (DEFAULT_TYPE, None))
    known = {known.casefold(): known for known in TEMPLATE_TYPES}
    if kind.casefold() not in known:
        raise ValueError(f"{_where(file_name, type_line)}: unknown type '{one_line(kind, 40)}' (expected SMS or Web).")
    if not body.strip():
        raise ValueError(f"{_where(file_name)}: the template's text below the front matter is empty.")
    return TemplateFile(file_name, name, known[kind.casefold()], body, template_id)
