"""Carrier opt-out and opt-in keywords, as Sakari documents them (support article on opt-out keywords).

A text that is exactly one of these words (ignoring case and surrounding space/punctuation)
opts the sender out or back in. Anything longer is an ordinary message.
"""

from __future__ import annotations

OPT_OUT = frozenset({"STOP", "CANCEL", "END", "OPTOUT", "OPT-OUT", "QUIT", "REVOKE", "UNSUBSCRIBE"})
OPT_IN = frozenset({"START", "UNSTOP"})
HELP = frozenset({"HELP", "INFO"})


def _keyword(text: str | None) -> str:
    return (text or "").strip().strip(".!").upper()


def is_opt_out_keyword(text: str | None) -> bool:
    return _keyword(text) in OPT_OUT


def is_opt_in_keyword(text: str | None) -> bool:
    return _keyword(text) in OPT_IN


def is_help_keyword(text: str | None) -> bool:
    return _keyword(text) in HELP
