"""Carrier opt-out and opt-in keywords, as Sakari documents them (support article on opt-out keywords).

A text that is exactly one of these words (ignoring case and surrounding space/punctuation)
opts the sender out or back in. Anything longer is an ordinary message, though
`reads_like_opt_out` flags the ones that read like "please stop texting me" for a person to judge.
"""

from __future__ import annotations

import re
from functools import cache

OPT_OUT = frozenset({"STOP", "CANCEL", "END", "OPTOUT", "OPT-OUT", "QUIT", "REVOKE", "UNSUBSCRIBE"})
OPT_IN = frozenset({"START", "UNSTOP"})
HELP = frozenset({"HELP", "INFO"})


def _keyword(text: str | None) -> str:
    return (text or "").strip().strip(".!").upper()


def is_opt_out_keyword(text: str | None) -> bool:
    return _keyword(text) in OPT_OUT


def is_opt_in_keyword(text: str | None) -> bool:
    return _keyword(text) in OPT_IN


OPT_OUT_LABEL = "opt-out"
OPT_IN_LABEL = "opt-in"
HELP_LABEL = "help"


def keyword_label(text: str | None) -> str | None:
    """ "opt-out", "opt-in" or "help" when `text` is exactly such a keyword, else None.

    Lower-case category names rather than the word itself, because the UI labels the kind of
    message ("opt-out keyword"), and CANCEL and STOP do the same thing.
    """
    keyword = _keyword(text)
    if keyword in OPT_OUT:
        return OPT_OUT_LABEL
    if keyword in OPT_IN:
        return OPT_IN_LABEL
    if keyword in HELP:
        return HELP_LABEL
    return None


# Phrases that ask us to stop, as people actually write them. Each pattern needs a second word
# that makes the intent clear ("stop texting", "remove me"), so "stop by", "can't stop laughing",
# "the bus stop" and "don't stop the delivery" stay quiet. A bare "stop" only counts as the whole
# text or the last clause ("wrong number, stop"); as a first word followed by more ("stop! that's
# amazing") it is an exclamation.
_VERB = r"(?:texts?|texting|txt|messages?|messaging|sms|contact(?:ing)?|spam(?:ming)?|e-?mail(?:ing)?|call(?:ing)?)"
_OPT_OUT_PHRASES = (
    rf"(?<!don't )(?<!do not )\b(?:stop|quit|cease) (?:{_VERB})\b",
    r"(?<!don't )(?<!do not )\bstop (?:all |these |the |your |this )?(?:texts|messages|spam|sms|txts)\b",
    r"(?<!don't )(?<!do not )\bstop sending (?:me|us|these|this|them|texts|messages)\b",
    rf"\b(?:don'?t|do not|never) (?:{_VERB}) me\b(?! (?:before|after|until|till|at|on|during|between)\b)",
    r"\bunsubscribe\b",
    r"\bopt (?:me )?out\b",
    r"\b(?:remove|take) me (?:off|from|out of)\b",
    r"\bno more (?:texts|messages|sms|txts|texting|messaging)\b",
    r"\bleave me alone\b",
    r"\bwrong (?:number|person)\b",
    r"^(?:please,? )?stop(?: it)?(?:,? please)?[.!]*$",
    r"[,.;:!-] *(?:please )?stop(?: it)?(?: please)?[.!]*$",
)


@cache
def _opt_out_patterns() -> tuple[re.Pattern[str], ...]:
    # Compiled at the first text read, not at import: a dozen patterns are a millisecond of every start.
    return tuple(re.compile(phrase) for phrase in _OPT_OUT_PHRASES)


# Apostrophes as phones type them, so "don’t" matches "don't".
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})


def reads_like_opt_out(text: str | None) -> bool:
    """True when `text` is not a keyword but reads like a request to stop texting.

    A heuristic, and only ever a flag for the person reading the inbox ("this may be an
    opt-out"): it never opts anyone out or blocks a reply, because it will sometimes be wrong.
    Exact keywords return False; `keyword_label` covers those.
    """
    if not text or keyword_label(text) is not None:
        return False
    normalised = " ".join(text.translate(_APOSTROPHES).lower().split())
    return any(pattern.search(normalised) for pattern in _opt_out_patterns())
