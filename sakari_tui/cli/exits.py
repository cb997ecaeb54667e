"""The exit codes every scripting command shares, and the one place errors become them.

    0 ok · 2 usage or settings · 3 refused by a guard · 4 API error ·
    5 outcome unknown (the request went out, its result is not known: check before resending) ·
    6 offline (nothing reached Sakari)

A command raises `CommandError(code, sentence)`; `main` prints the sentence on stderr (or, with
`--json`, a JSON object with the same code) and exits with the code.
"""

from __future__ import annotations

OK = 0
USAGE = 2
REFUSED = 3
API_ERROR = 4
UNKNOWN = 5
OFFLINE = 6

EXIT_CODES_HELP = (
    "exit codes: 0 ok; 2 usage or settings; 3 refused by a guard (opted out, quiet hours, length, "
    "placeholders, a colleague wrote first, the app owns the outbox); 4 the Sakari API refused or failed; "
    "5 outcome unknown: the request was sent and its result is not known (check before resending); "
    "6 offline: nothing reached Sakari"
)

NAMES = {OK: "ok", USAGE: "usage", REFUSED: "refused", API_ERROR: "api", UNKNOWN: "unknown", OFFLINE: "offline"}


class CommandError(Exception):
    """A command stopped: `code` is the exit code, `str()` the one sentence for the user."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def from_api_error(error: Exception) -> CommandError:
    """The exit code and sentence of an API failure: offline when nothing can have reached Sakari,
    unknown when a request may have, else an API error."""
    from ..api import ApiUnavailable, BadResponse

    if isinstance(error, ApiUnavailable):
        if error.request_sent is False:
            return CommandError(OFFLINE, str(error))
        return CommandError(UNKNOWN if error.request_sent else OFFLINE, str(error))
    if isinstance(error, BadResponse):
        return CommandError(UNKNOWN, str(error))
    return CommandError(API_ERROR, str(error))
