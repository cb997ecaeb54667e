"""`send --at`: when a scheduled send goes (a typed time, or the recipient's next HH:MM) and
its row in the outbox, checked again at its time as the app's are (sync/scheduled.py)."""

from __future__ import annotations

from datetime import datetime, timezone

from .exits import REFUSED, USAGE, CommandError


def their_next(e164: str | None, clock: str, now: datetime) -> datetime:
    """The next time the recipient's clock shows `clock` ("08:00"); with several zones (a number
    that spans them), the latest of those moments, so it is that time or later in each."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from ..sms.quiet_hours import parse_clock, recipient_time_zones

    try:
        wanted = parse_clock(clock)
    except ValueError as error:
        raise CommandError(USAGE, f"--at their-{clock}: {error}") from None
    zones = recipient_time_zones(e164) if e164 else ()
    if not zones:
        raise CommandError(USAGE, f"--at their-{clock}: the recipient's time zone is not known; give a time instead.")
    moments = []
    for name in zones:
        local = now.astimezone(ZoneInfo(name))
        candidate = local.replace(hour=wanted.hour, minute=wanted.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate = (local + timedelta(days=1)).replace(
                hour=wanted.hour, minute=wanted.minute, second=0, microsecond=0
            )
        moments.append(candidate)
    return max(moments)


def schedule_send(engine, settings, args, conversation_id, e164, text, now) -> dict:
    from ..sms.send_times import parse_send_time

    if conversation_id is None:
        raise CommandError(
            REFUSED, "Not scheduled: there is no conversation with this number yet; send the first text now."
        )
    compose = settings.compose
    if args.at.strip().lower().startswith("their-"):
        when = their_next(e164, args.at.strip()[len("their-") :], now)
    else:
        try:
            when = parse_send_time(args.at, now.astimezone())
        except ValueError as error:
            raise CommandError(USAGE, f"--at: {error}") from None
    entry = engine.schedule_reply(
        conversation_id,
        text,
        when.timestamp(),
        window=(compose.send_window_start, compose.send_window_end) if compose.quiet_hours else None,
        keep_on_reply=compose.keep_scheduled_on_reply,
        collision_guard=compose.collision_guard,
        keep_draft=True,
    )
    return {
        "id": None,
        "conversationId": conversation_id,
        "to": e164,
        "sender": "",
        "status": "scheduled",
        "text": text,
        "localId": entry.local_id,
        "sendAt": when.astimezone(timezone.utc).isoformat(),
    }
