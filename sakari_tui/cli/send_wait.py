"""What `send` waits for once a text is on its way: its final delivery state, or, when the
running app owns the outbox, the app sending it (the row giving way to a `sent_here` record)."""

from __future__ import annotations

import time

from .exits import API_ERROR, OFFLINE, UNKNOWN, CommandError

FINAL_STATUSES = frozenset({"delivered", "undelivered", "error", "invalid", "failed"})
POLL_EVERY_S = 1.0


async def wait_for_delivery(client, message_id: str, status: str, timeout: float) -> str:
    """The message's status once final (delivered, undelivered, error…) or when `timeout` runs out."""
    import asyncio

    from ..api import SakariError

    deadline = time.monotonic() + max(0.0, timeout)
    while (status or "").lower() not in FINAL_STATUSES and time.monotonic() < deadline:
        await asyncio.sleep(POLL_EVERY_S)
        try:
            status = (await client.fetch_message(message_id)).status or status
        except SakariError:
            continue  # sent already: a failed look only means the state is not known yet
    return status


async def left_to_the_app(engine, args, entry, e164, conversation_id, sender) -> dict:
    """The app owns the outbox: it sends the row at its next poll. Wait for it to be sent
    (the row gives way to a `sent_here` record) unless `--no-wait`."""
    import asyncio

    from ..store import SendState

    result = {
        "id": None,
        "conversationId": conversation_id or entry.conversation_id,
        "to": e164,
        "sender": sender,
        "status": "queued",
        "text": entry.text,
        "localId": entry.local_id,
        "sendAt": None,
    }
    if args.no_wait:
        return result
    store = engine.store
    deadline = time.monotonic() + max(0.0, args.wait)
    while time.monotonic() < deadline:
        row = store.outbox.get(entry.local_id)
        if row is None:
            found = store.db.execute(
                "SELECT message_id FROM sent_here WHERE local_id = ?", (entry.local_id,)
            ).fetchone()
            if found is None:
                raise CommandError(
                    API_ERROR, "Not sent: the reply was taken out of the outbox in the running sakari-tui."
                )
            message_id = found[0]
            status = await wait_for_delivery(engine.client, message_id, "sent", max(0.0, deadline - time.monotonic()))
            return {**result, "id": message_id, "status": status}
        if row.state is SendState.FAILED:
            raise CommandError(API_ERROR, f"Not sent: {row.error or 'Sakari refused it.'}")
        await asyncio.sleep(POLL_EVERY_S)
    row = store.outbox.get(entry.local_id)
    if row is not None and row.state in (SendState.UNKNOWN, SendState.SENDING):
        raise CommandError(
            UNKNOWN, f"Unknown whether it was sent: {row.error} The running sakari-tui keeps looking for it."
        )
    raise CommandError(
        OFFLINE, "Not sent yet: it waits in the outbox of the running sakari-tui, which sends it once Sakari answers."
    )
