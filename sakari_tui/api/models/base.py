"""The base of every wire model and the pieces many share: times clamped to a sane range, the
camelCase `ApiModel`, who changed something and when, and the errors embedded in answers."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

# Named after the package (sakari_tui.api.models), as before the models had modules of their own.
_log = logging.getLogger(__package__)

EARLIEST = datetime(1000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
"""The range of times the app takes from the API; see `_within_years`."""


def _within_years(value: datetime) -> datetime:
    """A time from the API as an aware datetime within the years 1000-9998 (UTC when it gave no zone).

    Sakari's Go backend sends its zero time (0001-01-01T00:00:00Z) for unset times and may send
    9999-12-31T23:59:59Z for "never": such years overflow local time (year 0 west of UTC, 10000
    east of it) and do not keep four digits in every strftime. Clamped to the bounds rather than
    dropped to None, so that what a value means stays: a contact with any `blocked` time is opted
    out, a zero time sorts oldest and "never" newest; only the (meaningless) exact moment moves.
    """
    # Nearly every time: aware, and a year strictly inside the range is within it whatever its
    # offset (under a day). Four times a conversation, 400,000 calls in a sync of 100,000: comparing
    # aware datetimes (their offsets worked out) was 1.4 s of the event loop's CPU.
    if value.tzinfo is not None and 1000 < value.year < 9998:
        return value
    moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if EARLIEST <= moment <= LATEST:
        return moment
    bound = EARLIEST if moment < EARLIEST else LATEST
    _log.info(
        "A time from the API outside the years 1000-9998 (%s) is taken as %s.", value.isoformat(), bound.isoformat()
    )
    return bound


Moment = Annotated[datetime, AfterValidator(_within_years)]
"""Every time a wire model reads: aware, within the years 1000-9998 (see `_within_years`)."""


class ApiModel(BaseModel):
    """Base for wire models: camelCase aliases, unknown fields kept, snake_case accepted too."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        coerce_numbers_to_str=True,
        # Validators are built on first use, not at import: the inbox's first frame needs none.
        defer_build=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body the API expects: camelCase, without unset fields."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


# --- common pieces -------------------------------------------------------------------------


class Actor(ApiModel):
    """Who created or updated something (`Updated.by`)."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = None


class Updated(ApiModel):
    """A timestamp and the actor behind it (`created`, `updated`)."""

    at: Moment | None = None
    by: Actor | None = None


class EmbeddedError(ApiModel):
    """An error attached to a contact or message: `{code, description}` (sometimes `message`)."""

    code: str | None = None
    description: str | None = None
    message: str | None = None

    @property
    def text(self) -> str:
        """The human part of the error, whichever field carried it."""
        return self.description or self.message or self.code or "unknown error"
