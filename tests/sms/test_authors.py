"""Who wrote a message: the attribution table (pure, no app)."""

import pytest

from sakari_tui.api.models import Message
from sakari_tui.sms.authors import AuthorKind, author_of, message_author, parse_created_by

ALEX = {"id": "usr-1", "firstName": "Alex", "lastName": "Rivera", "name": "Alex Rivera", "source": "hub"}


@pytest.mark.parametrize(
    ("by", "sent_here", "kind", "label", "prefix"),
    [
        (ALEX, True, AuthorKind.YOU, "You", "You: "),
        (None, True, AuthorKind.YOU, "You", "You: "),
        (ALEX, False, AuthorKind.PERSON, "Alex · Hub", "Alex: "),
        ({"name": "Jordan Lee"}, False, AuthorKind.PERSON, "Jordan Lee", "Jordan Lee: "),
        ({"lastName": "Okafor", "source": "api"}, False, AuthorKind.PERSON, "Okafor · API", "Okafor: "),
        ({"firstName": "Sam", "source": "zapier"}, False, AuthorKind.PERSON, "Sam · Zapier", "Sam: "),
        ({"id": "api", "source": "api"}, False, AuthorKind.TEAMMATE, "a teammate", "Teammate: "),
        ({"email": "x@example.com"}, False, AuthorKind.TEAMMATE, "a teammate", "Teammate: "),
        (
            {"id": "ar-1", "name": "Sales auto-responder", "source": "autoresponder", "subSource": "any"},
            False,
            AuthorKind.AUTO_REPLY,
            "auto-reply",
            "Auto-reply: ",
        ),
        ({"source": "hub", "subSource": "Auto_Reply"}, False, AuthorKind.AUTO_REPLY, "auto-reply", "Auto-reply: "),
        (
            {"id": "c1", "name": "Spring sale", "source": "campaign"},
            False,
            AuthorKind.CAMPAIGN,
            "campaign",
            "Campaign: ",
        ),
        (None, False, AuthorKind.ELSEWHERE, "sent from elsewhere", "Elsewhere: "),
        ({}, False, AuthorKind.ELSEWHERE, "sent from elsewhere", "Elsewhere: "),
        ({"firstName": 7, "source": ["x"]}, False, AuthorKind.ELSEWHERE, "sent from elsewhere", "Elsewhere: "),
    ],
)
def test_outgoing_attribution(by, sent_here, kind, label, prefix):
    author = author_of(True, by, sent_here=sent_here)
    assert (author.kind, author.label, author.prefix) == (kind, label, prefix)
    assert author.someone_else == (kind is not AuthorKind.YOU)


def test_inbound_is_the_customer_whatever_created_by_says():
    author = author_of(False, ALEX, sent_here=True)
    assert author.kind is AuthorKind.CUSTOMER and author.prefix == "" and not author.someone_else


def test_hostile_names_are_one_short_line():
    author = author_of(True, {"firstName": "A\nB\x1b[31m" + "x" * 500, "source": "hub\r\nevil"}, sent_here=False)
    assert "\n" not in author.label and "\x1b" not in author.label
    assert len(author.name) <= 40 and len(author.via) <= 20


def test_message_model_keeps_unknown_created_by_fields():
    message = Message.model_validate(
        {"id": "m1", "outgoing": True, "created": {"at": "2026-01-01T00:00:00Z", "by": {"source": "autoresponder"}}}
    )
    assert message_author(message, sent_here=False).kind is AuthorKind.AUTO_REPLY
    assert message.created.by.to_wire() == {"source": "autoresponder"}


def test_parse_created_by_tolerates_junk():
    assert parse_created_by(None) is None and parse_created_by("not json") is None
    assert parse_created_by("[1]") is None and parse_created_by('{"id": "u"}') == {"id": "u"}
