"""Fetching an attachment over http(s), within a size limit, with every failure as one sentence.

Each call uses a fresh httpx client: media links point at any host (a carrier's CDN, Sakari's share
links, a customer's server), so nothing of the API client's (its token, its base URL, its pool) may
travel with them. Redirects are followed by hand, at most five, and only to plain web links, so a
media link cannot bounce us to `file:` or to `https://user@host`. The size limit holds twice: a
declared Content-Length over it is refused before reading, and the stream is cut once it passes it.
The body is asked for and read uncompressed (a small gzip body can unpack into a huge one); a server
that compresses it anyway is refused.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..text import one_line
from .attachments import Attachment, MediaError, clean_content_type, format_size, link_problem, refusal
from .saving import SaveTarget

if TYPE_CHECKING:
    import httpx  # loaded on the first fetch: importing it also loads rich, which the core must not at start-up

__all__ = ["Fetched", "MediaError", "fetch", "fetch_to_file"]

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
LIMIT_SETTING = "attachments.max_download_mb"

Progress = Callable[[int, "int | None"], None]


@dataclass
class Fetched:
    data: bytes
    content_type: str | None
    final_url: str


async def fetch(
    attachment: Attachment,
    *,
    max_bytes: int,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 30.0,
    allow_private: bool = False,
) -> Fetched:
    """The attachment's bytes, at most `max_bytes`; `progress(received, total or None)` after each chunk.

    `allow_private`: also from this machine and the local network (the simulator's links); by
    default a link whose host is, or resolves to, such an address is refused (`public_host`)."""
    received = bytearray()
    async with _download(
        attachment, max_bytes=max_bytes, transport=transport, timeout=timeout, allow_private=allow_private
    ) as download:
        async for chunk in download.chunks(progress):
            received += chunk
    return Fetched(data=bytes(received), content_type=download.content_type, final_url=download.final_url)


async def fetch_to_file(
    attachment: Attachment,
    folder: Path,
    *,
    max_bytes: int,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 30.0,
    allow_private: bool = False,
) -> Path:
    """Stream the attachment into a new file in `folder` (never over another one); returns its path.

    A failed or cut-short download leaves no file behind. `allow_private` as in `fetch`.
    """
    async with _download(
        attachment, max_bytes=max_bytes, transport=transport, timeout=timeout, allow_private=allow_private
    ) as download:
        with SaveTarget(folder, attachment.name) as target:
            async for chunk in download.chunks(progress):
                target.write(chunk)
    assert target.path is not None
    return target.path


class _Download:
    """An answered GET whose body is still to be read."""

    def __init__(self, attachment: Attachment, response: httpx.Response, max_bytes: int) -> None:
        self.attachment = attachment
        self.response = response
        self.max_bytes = max_bytes
        self.final_url = str(response.url)
        self.content_type = clean_content_type(response.headers.get("content-type"))
        self.total = _declared_length(response)

    async def chunks(self, progress: Progress | None) -> AsyncIterator[bytes]:
        import httpx

        received = 0
        try:
            async for chunk in self._raw():
                if not chunk:
                    continue
                received += len(chunk)
                if received > self.max_bytes:
                    raise MediaError(too_large(self.max_bytes))
                if progress is not None:
                    progress(received, self.total)
                yield chunk
        except httpx.HTTPError as error:
            raise MediaError(_failure(self.attachment, _host(str(self.response.url)), error, reading=True)) from None

    async def _raw(self) -> AsyncIterator[bytes]:
        # Raw bytes, not httpx's decoded ones: the limit counts what arrives, and nothing inflates.
        if self.response.is_stream_consumed:  # an in-memory transport may hand over a body already read
            yield self.response.content
            return
        async for chunk in self.response.aiter_raw():
            yield chunk


@asynccontextmanager
async def _download(
    attachment: Attachment,
    *,
    max_bytes: int,
    transport: httpx.AsyncBaseTransport | None,
    timeout: float,
    allow_private: bool = False,
) -> AsyncIterator[_Download]:
    if not attachment.openable:
        raise MediaError(f"Only http and https links are fetched; {refusal(attachment.url)}.")
    import httpx

    # Identity encoding: the limit then counts the bytes that arrive, and a small gzip body cannot
    # unpack into a huge one.
    headers = {"Accept-Encoding": "identity", "User-Agent": "sakari-tui"}
    redirects: list[str] = []

    async def check_redirect(response: httpx.Response) -> None:
        # httpx parses a Location header even when it does not follow it, and fails on some (for
        # `javascript:alert(1)`): a response hook sees the header first, so the refusal is ours.
        if response.status_code in REDIRECT_STATUSES:
            redirects.append(_redirect_target(attachment, response))

    hooks = {"response": [check_redirect]}
    # trust_env=False: a proxy from the environment would resolve names where the check cannot see.
    async with httpx.AsyncClient(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        headers=headers,
        event_hooks=hooks,
        trust_env=False,
    ) as client:
        url = attachment.url
        for _ in range(MAX_REDIRECTS + 1):
            host = _host(url)
            if not allow_private and transport is None:  # (a test's transport is no network)
                await public_host(attachment, url)
            try:
                response = await client.send(client.build_request("GET", url), stream=True)
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                raise MediaError(_failure(attachment, host, error)) from None
            try:
                if response.status_code in REDIRECT_STATUSES:
                    url = redirects[-1]
                    continue
                if not response.is_success:
                    raise MediaError(
                        f"Could not fetch {attachment.name} from {host}: the server answered {response.status_code}."
                    )
                encoding = _encoding(response)
                if encoding:
                    raise MediaError(
                        f"Could not fetch {attachment.name} from {host}: the server sent it compressed ({encoding}), "
                        "though it was asked not to."
                    )
                download = _Download(attachment, response, max_bytes)
                if download.total is not None and download.total > max_bytes:
                    raise MediaError(too_large(max_bytes))
                yield download
                return
            finally:
                await response.aclose()
        raise MediaError(f"Could not fetch {attachment.name}: it was redirected more than {MAX_REDIRECTS} times.")


def httpx_host(url: str) -> str:
    import httpx

    try:
        raw = httpx.URL(url).raw_host
    except (httpx.InvalidURL, UnicodeError) as error:
        raise ValueError(str(error)) from None
    host = raw.decode("ascii").strip("[]")
    if not host:
        raise ValueError("no host")
    return host


async def public_host(attachment: Attachment, url: str) -> None:
    """MediaError unless `url`'s host is on the internet: a customer's link must not make this
    machine request its own services or the office network's (a router page, a metadata
    endpoint) when the operator presses `p` or `w`. Names are resolved first; every address counts."""
    import asyncio
    import ipaddress
    import socket

    try:
        # The name httpx itself will connect to (IDNA 2008), not urlsplit's (IDNA 2003 differs: faß).
        host = httpx_host(url)
    except ValueError:
        raise MediaError(f"Could not fetch {attachment.name}: its link has no host that can be looked up.") from None
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise MediaError(f"Could not fetch {attachment.name}: the host {host} cannot be found.") from None
        addresses = {ipaddress.ip_address(entry[4][0].split("%", 1)[0]) for entry in found}
    inside = sorted(str(address) for address in addresses if not address.is_global)
    if inside:
        raise MediaError(
            f"Not fetched: {attachment.name} is on {host}, an address of this machine or its network "
            f"({inside[0]}); attachments are fetched only from the internet."
        )


def _redirect_target(attachment: Attachment, response: httpx.Response) -> str:
    """The absolute URL a redirect points to; MediaError unless it is a plain web link."""
    import httpx

    location = response.headers.get("location", "")
    try:
        target = str(response.url.join(location)) if location.strip() else ""
    except (httpx.InvalidURL, ValueError):
        target = ""
    problem = link_problem(one_line(target, limit=4096)) if target else "no link"
    if problem is not None:
        # The label, not the URL: a Location header may carry a password or a script.
        raise MediaError(
            f"Could not fetch {attachment.name}: {_host(str(response.url))} redirected to "
            f"{_REDIRECT_LABELS.get(problem, f'a {problem} link')}, and only plain http and https links are followed."
        )
    return target


_REDIRECT_LABELS = {
    "no link": "nowhere",
    "not a web link": "something that is not a web link",
    "link cut short": "a link too long to follow",
    "unsafe link": "an unsafe link",
    "link with a user name": "a link with a user name",
    "link without a host": "a link without a host",
}


def too_large(max_bytes: int) -> str:
    return f"The file is larger than the {format_size(max_bytes)} limit ({LIMIT_SETTING})."


def _declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def _encoding(response: httpx.Response) -> str:
    """The content coding the server applied anyway ("" for none), cut to a harmless token."""
    names = [name.strip().lower() for name in response.headers.get_list("content-encoding", split_commas=True)]
    applied = ", ".join(name for name in names if name and name != "identity")
    return re.sub(r"[^a-z0-9, ._-]", "", applied)[:40] or ("unknown" if applied else "")


def _host(url: str) -> str:
    try:
        return one_line(urlsplit(url).hostname, limit=100) or "the server"
    except ValueError:
        return "the server"


def _failure(attachment: Attachment, host: str, error: Exception, *, reading: bool = False) -> str:
    """One sentence for a transport failure; httpx's own text (which may quote the URL) stays out of it."""
    import httpx

    if isinstance(error, httpx.TimeoutException):
        reason = "the server did not answer in time"
    elif isinstance(error, httpx.ConnectError):
        reason = "could not connect"
    elif reading:
        reason = "the download was cut short"
    else:
        reason = "the connection failed"
    return f"Could not fetch {attachment.name} from {host}: {reason}."
