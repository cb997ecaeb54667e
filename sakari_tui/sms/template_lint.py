"""A lint of one template's text: what it would cost and what it could not fill.

Four things, each one sentence: placeholders no contact field fills, braces that are not a
placeholder the inbox understands, the encoding (GSM-7, or UCS-2 and the characters forcing it),
and the segments in the worst case, every placeholder filled with a long value. A worst case over
Sakari's limit is a refusal (`template_refusal`): such a template cannot be sent to a contact with
a long name, so push does not save it.

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from ..api.models import ContactIdentifiers, Mobile
from ..text import sanitize
from .segments import MAX_SEGMENTS, UCS2, segment_info, ucs2_culprits
from .templates import PLACEHOLDER, contact_context, render

# The variables every contact can fill: the keys `contact_context` gives for a contact with every
# core field set (custom attributes come on top, per account: pass their names to the lint).
CONTACT_VARIABLES: tuple[str, ...] = tuple(
    contact_context(ContactIdentifiers(first_name="x", last_name="x", email="x", mobile=Mobile(number="+10000000000")))
)

# The worst case fills each placeholder with this many GSM-7 characters: long but real names, a
# full E.164 number, and 30 for anything else (emails, custom attributes).
WORST_CASE_LENGTHS: Mapping[str, int] = {"firstName": 20, "lastName": 25, "mobile": 16, "phone": 16}
OTHER_LENGTH = 30
WORST_CASE_ASSUMPTION = "firstName 20 characters, lastName 25, mobile and phone 16, others 30, all GSM-7"

MAX_SHOWN = 5  # characters forcing UCS-2 named in a sentence (the rest are counted)

_BRACES = re.compile(r"\{\{.*?\}\}|\{\{|\}\}", re.DOTALL)


def _base_name(name: str) -> str:
    # `contact.firstName` is `firstName` (as `templates._lookup` reads it); `attributes.plan` is `plan`.
    return name.removeprefix("contact.").removeprefix("attributes.")


def is_known_variable(name: str, known_variables: Collection[str]) -> bool:
    """Whether a placeholder's name is one of `known_variables`, as the inbox fills it."""
    return name in known_variables or _base_name(name) in known_variables


def _shown(text: str) -> str:
    """A character or snippet quoted in a sentence: controls as \\x escapes, never raw."""
    escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in text)
    return f"“{sanitize(escaped)}”"


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _brace_problems(text: str) -> list[str]:
    problems = []
    for match in PLACEHOLDER.finditer(text):
        # `{{{x}}` or `{{x}}}`: the double form matched inside a mismatched triple one.
        if match.group(2) and (
            text[match.start() - 1 : match.start()] == "{" or text[match.end() : match.end() + 1] == "}"
        ):
            line = _line_of(text, match.start())
            problems.append(
                f"Line {line}: {_shown(match.group(0))} mixes two and three braces; use {{{{ }}}} or {{{{{{ }}}}}}."
            )
    masked = PLACEHOLDER.sub(lambda match: " " * len(match.group(0)), text)
    for match in _BRACES.finditer(masked):
        found, line = match.group(0), _line_of(text, match.start())
        if found == "{{":
            problems.append(f"Line {line}: an opening “{{{{” is never closed.")
        elif found == "}}":
            problems.append(f"Line {line}: a closing “}}}}” has no opening “{{{{”.")
        else:
            found = text[match.start() : match.end()]  # as written, not as masked
            snippet = found if len(found) <= 40 else found[:39] + "…"
            problems.append(
                f"Line {line}: {_shown(snippet)} is not a placeholder the inbox can fill (one name, e.g. {{{{ firstName }}}})."
            )
    return problems


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(match.group(1) or match.group(2) for match in PLACEHOLDER.finditer(text)))


def worst_case_segments(text: str) -> int:
    """Segments of `text` with every placeholder filled as `WORST_CASE_ASSUMPTION` says."""
    context = {name: "x" * WORST_CASE_LENGTHS.get(_base_name(name), OTHER_LENGTH) for name in _names(text)}
    return segment_info(render(text, context).text).segments


def _encoding(text: str) -> str:
    # Counted with the placeholders empty (their braces are never sent): the best case, beside
    # the worst case below.
    empty = PLACEHOLDER.search(text) is not None
    info = segment_info(PLACEHOLDER.sub("", text))
    size = f"{info.segments} segment{'s' if info.segments != 1 else ''}"
    size += f"{' with the placeholders empty' if empty else ''} ({info.units} characters)"
    if info.encoding != UCS2:
        return f"GSM-7, {size}."
    culprits = list(dict.fromkeys(chars for _, _, chars in ucs2_culprits(text)))
    shown = ", ".join(_shown(chars) for chars in culprits[:MAX_SHOWN])
    more = f" and {len(culprits) - MAX_SHOWN} more" if len(culprits) > MAX_SHOWN else ""
    return f"UCS-2 because of {shown}{more}, {size}; fewer characters fit in each segment."


def template_refusal(text: str) -> str | None:
    """Why push must not save this text (too long in the worst case), or None."""
    worst = worst_case_segments(text)
    if worst <= MAX_SEGMENTS:
        return None
    return f"Too long: {worst} segments in the worst case, over Sakari's limit of {MAX_SEGMENTS}."


def lint_template(text: str, *, known_variables: Collection[str] = CONTACT_VARIABLES) -> list[str]:
    """Sentences about a template's text: unknown variables, stray braces, encoding, worst case, refusal."""
    notes = [
        f"No contact field fills {{{{ {name} }}}}: it would be sent empty or as written."
        for name in _names(text)
        if not is_known_variable(name, known_variables)
    ]
    notes += _brace_problems(text)
    notes.append(_encoding(text))
    if PLACEHOLDER.search(text):
        worst = worst_case_segments(text)
        notes.append(f"Worst case {worst} segment{'s' if worst != 1 else ''} ({WORST_CASE_ASSUMPTION}).")
    refusal = template_refusal(text)
    if refusal:
        notes.append(refusal)
    return notes
