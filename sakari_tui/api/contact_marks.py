"""How this app marks a contact the user says opted out: Sakari has no call for it, so a tag and
an attribute on the contact. Apart from the models so that screens drawn before pydantic loads
(the first frame, issue 17) can name them."""

from __future__ import annotations

OPTED_OUT_TAG = "opted-out"
"""The tag this app puts on a contact the user marked as opted out (Sakari has no call for that)."""
OPTED_OUT_AT_ATTRIBUTE = "optedOutAt"
"""The attribute holding when the user marked the contact opted out (ISO 8601, UTC)."""
