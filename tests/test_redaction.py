"""`logs.redact`: what must never reach the log, a notification or the status line (issue 10, point 15)."""

from __future__ import annotations

import pytest

from sakari_tui import logs

SECRET = "f3c1e2d4-5b6a-4789-9abc-def012345678"
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaWQiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz"
# A JWT whose header is not the usual '{"' (other key order, whitespace): still three base64url parts.
ODD_JWT = "ICB7ICJ0eXAiOiAiSldUIiwgImFsZyI6ICJIUzI1NiIgfQ.IHsgInN1YiI6ICJjaWQiIH0gICAg.Zm9vYmFyYmF6cXV4cXV1eA"


@pytest.fixture(autouse=True)
def _clean_registry():
    logs.forget_secrets()
    yield
    logs.forget_secrets()


@pytest.mark.parametrize(
    "text, hidden",
    [
        (
            '{"grant_type": "client_credentials", "client_id": "cid", "client_secret": "abc-123-xyz-789"}',
            "abc-123-xyz-789",
        ),
        ('{\\"client_secret\\": \\"abc-123-xyz-789\\"}', "abc-123-xyz-789"),  # JSON inside a JSON string
        ("client_secret=abc-123-xyz-789&grant_type=client_credentials", "abc-123-xyz-789"),
        ("client_secret%22%3A%22abc-123-xyz-789%22", "abc-123-xyz-789"),  # URL-encoded JSON
        ("clientSecret: abc-123-xyz-789", "abc-123-xyz-789"),
        ("headers: {'authorization': 'Bearer opaque-token-value'}", "opaque-token-value"),
        ("authorization=Bearer%20opaque-token-value", "opaque-token-value"),
        ('"Authorization":"Bearer opaque-token-value"', "opaque-token-value"),
        ("Authorization: Digest username=someone", "username=someone"),
        ("proxy-authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpw"),
        (f"token={JWT}", "c2lnbmF0dXJl"),
        (f"invalid token {ODD_JWT}", "Zm9vYmFyYmF6"),
    ],
)
def test_secret_shapes_are_masked_without_registration(text, hidden):
    redacted = logs.redact(text)
    assert hidden not in redacted and logs.MASK in redacted


def test_registered_secret_and_tokens_are_masked_anywhere():
    logs.register_secret(SECRET)
    logs.register_token("opaque-access-token-42")
    text = f"echo: cid:{SECRET}/opaque-access-token-42"
    assert logs.redact(text) == "echo: cid:***/***"


@pytest.mark.parametrize(
    "text",
    [
        "The Sakari API refused the request as invalid (CONT-001).",
        "Invalid mobile number +15551234567 for contact 3f2a1b4c-aaaa-bbbb-cccc-1234567890ab.",
        "GET https://api.sakari.io/v1/accounts/acc/conversations?offset=100&limit=100",
        "sakari_tui.api.client.SakariClient.fetch_all_conversations v1.2.3 e.g. i.e. www.example.com",
        "Hi {{firstName}}, your order 12345.67890.11111 is ready.",
        "Bearer",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert logs.redact(text) == text


def test_redaction_is_idempotent():
    logs.register_secret(SECRET)
    once = logs.redact(f"Authorization: Bearer {JWT} client_secret={SECRET}")
    assert logs.redact(once) == once
