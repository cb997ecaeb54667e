"""A minimal multipart/form-data reader for the share-file upload.

Starlette's form parsing needs the `python-multipart` package; one upload field does not justify
a dependency, and this reader only has to find parts, their headers and their bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message


@dataclass(frozen=True)
class Part:
    """One form field."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def _params(header_value: str, header: str = "content-disposition") -> Message:
    message = Message()
    message[header] = header_value
    return message


def boundary_of(content_type: str) -> str | None:
    """The boundary parameter of a multipart Content-Type header."""
    return _params(content_type, "content-type").get_param("boundary", header="content-type")  # type: ignore[return-value]


def parse_multipart(body: bytes, boundary: str) -> list[Part]:
    """The parts of a multipart body (malformed parts are skipped)."""
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    parts = []
    for chunk in (b"\r\n" + body).split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        _, _, rest = chunk.partition(b"\r\n")
        head, separator, data = rest.partition(b"\r\n\r\n")
        if not separator:
            continue
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _params(headers.get("content-disposition", ""))
        name = disposition.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = disposition.get_param("filename", header="content-disposition")
        parts.append(Part(name, filename if isinstance(filename, str) else None, headers.get("content-type"), data))
    return parts
