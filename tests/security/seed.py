"""Seeding a running simulator with the hostile corpus, through its public API and state.

Used by the Pilot tests and by the pseudo-terminal launcher, so both see the same data: one
contact per payload (first name, and a custom attribute, set to the payload) created through
`POST /contacts`, one inbound text per payload (`state.inject_inbound`, some with media whose
URL and file name carry the payload), one template per payload (`POST /templates`), and finally
two texts that gather every markup payload and every escape payload, newest, so they top the list.
"""

from __future__ import annotations

from urllib.parse import quote

from sakari_tui.api import SakariClient
from sakari_tui.simulator.server import SimulatorServer

from ..support.hostile import HOSTILE, MEDIA_HOST

# Names of the payloads that carry controls or escape sequences, and of the markup ones.
ESCAPE_NAMES = [
    name
    for name, text in HOSTILE.items()
    if any((ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)
]
MARKUP_NAMES = [name for name in HOSTILE if name.startswith("markup_")]


def number_for(index: int) -> str:
    """A distinct, obviously fictional E.164 number per payload."""
    return f"+1555010{index:04d}"


def client_for(server: SimulatorServer) -> SakariClient:
    return SakariClient(
        account_id=server.account_id,
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.base_url,
        token_url=server.token_url,
    )


def media_for(index: int, text: str) -> list[dict] | None:
    """Every third payload also arrives as an MMS whose URL and file name carry the payload."""
    if index % 3:
        return None
    return [
        {"url": f"{MEDIA_HOST}/files/{index}/{text[:200]}", "type": "image/png", "filename": text[:200]},
        {"url": f"{MEDIA_HOST}/safe/{index}/{quote(text[:50])}.png", "type": "image/png", "name": text[:200]},
    ]


async def seed(server: SimulatorServer, *, templates: bool = True) -> dict[str, str]:
    """Create the corpus on `server`; returns payload name -> the contact's number."""
    numbers: dict[str, str] = {}
    async with client_for(server) as client:
        for index, (name, text) in enumerate(HOSTILE.items()):
            number = number_for(index)
            numbers[name] = number
            await client.create_contact(
                {
                    "firstName": text,
                    "mobile": {"number": number, "country": "US"},
                    "attributes": {"note": text},
                }
            )
        if templates:
            for name, text in HOSTILE.items():
                await client.create_template(
                    {
                        "name": text if text.strip() else name,
                        "template": f"{text} {{{{firstName}}}} {{{{note}}}} {{{{unknownField}}}}",
                        "type": "SMS",
                    }
                )
    for index, (name, text) in enumerate(HOSTILE.items()):
        server.state.inject_inbound(numbers[name], text, media=media_for(index, text))
    # Last, so they top the list: one text with every markup payload, one with every escape payload.
    server.state.inject_inbound(numbers["markup_click_quit"], "\n".join(HOSTILE[n] for n in MARKUP_NAMES))
    server.state.inject_inbound(numbers["osc52_bel"], "\n".join(HOSTILE[n] for n in ESCAPE_NAMES))
    return numbers
