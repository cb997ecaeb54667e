"""Keyword labels and the "reads like an opt-out" heuristic."""

from __future__ import annotations

import pytest

from sakari_tui.sms.keywords import keyword_label, reads_like_opt_out


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("STOP", "opt-out"),
        ("stop", "opt-out"),
        ("  Stop. ", "opt-out"),
        ("Stop!", "opt-out"),
        ("unsubscribe", "opt-out"),
        ("CANCEL", "opt-out"),
        ("opt-out", "opt-out"),
        ("START", "opt-in"),
        ("unstop", "opt-in"),
        ("HELP", "help"),
        ("info", "help"),
        ("", None),
        (None, None),
        ("stop it", None),
        ("help me please", None),
        ("STOPP", None),
    ],
)
def test_keyword_label(text, label):
    assert keyword_label(text) == label


@pytest.mark.parametrize(
    "text",
    [
        "please stop texting me",
        "Please STOP texting me.",
        "unsubscribe me",
        "How do I unsubscribe?",
        "remove me from your list",
        "don't text me again",
        "Don’t text me again",  # curly apostrophe, as phones type it
        "dont message me",
        "stop messaging me",
        "Stop sending me these",
        "stop these texts",
        "no more texts",
        "No more messages please",
        "take me off this list",
        "leave me alone",
        "wrong number, stop",
        "Wrong number",
        "stop please",
        "Please stop",
        "opt me out",
        "quit texting me!!",
        "I said   STOP   calling me",
    ],
)
def test_reads_like_opt_out(text):
    assert reads_like_opt_out(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'll stop by tomorrow",
        "I’ll stop by tomorrow",
        "can't stop laughing",
        "the bus stop",
        "Meet me at the bus stop",
        "stop! that's amazing",
        "don't stop the delivery",
        "Don’t stop sending me updates",
        "is there a stop on the way?",
        "Can you text me before 5?",
        "don't text me before 9 please",
        "Thanks, see you then",
        "",
        None,
    ],
)
def test_innocent_texts_are_not_flagged(text):
    assert not reads_like_opt_out(text)


@pytest.mark.parametrize("text", ["STOP", "stop", "Unsubscribe", "CANCEL", "START", "HELP"])
def test_exact_keywords_are_not_reported_by_the_heuristic(text):
    assert not reads_like_opt_out(text)
