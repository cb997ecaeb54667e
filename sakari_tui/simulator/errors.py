"""Error codes and HTTP statuses the simulator answers with.

Every error is the spec's envelope `{"success": false, "error": {"code", "message"}}`. Per-recipient
problems in a send are embedded as `{"code", "description"}` on the items of `invalid[]` instead.

Codes Sakari documents (spec, help centre):

| code     | status | meaning                                                     |
|----------|--------|-------------------------------------------------------------|
| ACCT-008 | 403    | the accountId in the path is not the token's account        |
| CONT-001 | 400    | invalid (or missing) mobile number                          |
| CONT-010 | 400    | contact has opted out (texted STOP); per recipient          |
| CONV-001 | 404    | unknown conversation id (per recipient in a send: see below)|
| MSG-001  | 400    | no Sakari number matches `phoneNumberFilter`                |
| MSG-007  | 400    | message longer than 10 segments; per recipient              |
| MSG-019  | -      | embedded on an `undelivered` message                        |
| MSG-033  | -      | embedded on an `error` message (carrier failure)            |

Codes invented here (Sakari's real ones for these cases are undocumented):

| code     | status | meaning                                                     |
|----------|--------|-------------------------------------------------------------|
| AUTH-001 | 401    | missing, malformed or forged bearer token                   |
| AUTH-002 | 401    | bearer token expired                                        |
| AUTH-003 | 401    | wrong client id or client secret at /oauth2/token           |
| AUTH-004 | 400    | grant_type is not client_credentials                        |
| REQ-001  | 400    | request body is not valid JSON or has the wrong shape       |
| REQ-002  | 400    | bad query parameter (offset < 0, limit outside 1..100, ...) |
| REQ-003  | 404    | no such endpoint                                            |
| REQ-004  | 405    | method not allowed on this endpoint                         |
| RATE-001 | 429    | rate limit exceeded; `Retry-After` header in whole seconds  |
| SRV-001  | 500    | injected server error (fault injection)                     |
| SRV-002  | 503    | injected unavailability (fault injection)                   |
| CONT-002 | 404    | unknown contact id (per recipient in a send)                |
| CONT-003 | 409    | another contact already has this mobile number              |
| MSG-002  | 400    | message text is empty (and there is no media)               |
| MSG-003  | 400    | no recipients: no contacts, conversations or filters        |
| MSG-004  | 404    | unknown message id                                          |
| TMPL-001 | 404    | unknown template id                                         |
| TMPL-002 | 400    | invalid template (missing text, bad type)                   |
| CAMP-001 | 404    | unknown campaign id                                         |
| CAMP-002 | 400    | invalid campaign (bad trigger code)                         |
| WHK-001  | 400    | invalid webhook subscription (missing url, bad event type)  |
| WHK-002  | 404    | no subscription for this url                                |
| FILE-001 | 400    | empty upload, or multipart without a `media` field          |
| FILE-002 | 413    | upload larger than the configured limit                     |
| FILE-003 | 404    | unknown or expired shared file link                         |
| SIM-001  | 400    | admin: unknown Sakari number in `to`                        |
| SIM-002  | 409    | admin: the clock is not a ManualClock                       |

A send whose every recipient is invalid fails as a whole with HTTP 400 and the first recipient's
code and description as the envelope's code and message (so a reply to an opted-out contact is a
clean CONT-010 error rather than a 200 with nothing sent).
"""

from __future__ import annotations


class ApiError(Exception):
    """An error answered with the spec's error envelope."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class RecipientError(Exception):
    """A problem with one recipient of a send; embedded as `{code, description}` in `invalid[]`."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
