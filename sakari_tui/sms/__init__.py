"""The domain of a text message: its encoding and price, placeholders, keywords, the recipient's
number and clock, and whether a reply may go. Pure: no I/O, no Textual.

Names load on first use (PEP 562), as in `sakari_tui.store`: the simulator counts segments through
`sms.segments` alone, and the store reads keywords through `sms.keywords` alone; neither should load
the API models behind `sms.templates` or the settings behind `sms.guard`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

_HOMES = {
    # segments (was sakari_tui/sms.py: everything it offered is still here)
    "GSM7": ".segments",
    "UCS2": ".segments",
    "MAX_SEGMENTS": ".segments",
    "GSM7_SINGLE_SEGMENT": ".segments",
    "GSM7_MULTI_SEGMENT": ".segments",
    "UCS2_SINGLE_SEGMENT": ".segments",
    "UCS2_MULTI_SEGMENT": ".segments",
    "DEFAULT_SEGMENT_PRICE": ".segments",
    "SegmentInfo": ".segments",
    "Folded": ".segments",
    "gsm7_septets": ".segments",
    "is_gsm7": ".segments",
    "segment_info": ".segments",
    "ucs2_culprits": ".segments",
    "to_gsm7": ".segments",
    "segment_price": ".segments",
    "format_cost": ".segments",
    # templates
    "PLACEHOLDER": ".templates",
    "Rendered": ".templates",
    "contact_context": ".templates",
    "render": ".templates",
    "unfilled": ".templates",
    "sent_text_matches": ".templates",
    # phones
    "InvalidNumber": ".phones",
    "to_e164": ".phones",
    "region_of": ".phones",
    "region_label": ".phones",
    "display_number": ".phones",
    # keywords
    "keyword_label": ".keywords",
    "is_opt_out_keyword": ".keywords",
    "is_opt_in_keyword": ".keywords",
    "reads_like_opt_out": ".keywords",
    # guard
    "ReplyCheck": ".guard",
    "UnfilledWarning": ".guard",
    "check_reply": ".guard",
    "cost_estimate": ".guard",
    "send_warnings": ".guard",
}

__all__ = list(_HOMES)

if TYPE_CHECKING:
    from .guard import ReplyCheck, UnfilledWarning, check_reply, cost_estimate, send_warnings
    from .keywords import is_opt_in_keyword, is_opt_out_keyword, keyword_label, reads_like_opt_out
    from .phones import InvalidNumber, display_number, region_label, region_of, to_e164
    from .segments import (
        DEFAULT_SEGMENT_PRICE,
        GSM7,
        GSM7_MULTI_SEGMENT,
        GSM7_SINGLE_SEGMENT,
        MAX_SEGMENTS,
        UCS2,
        UCS2_MULTI_SEGMENT,
        UCS2_SINGLE_SEGMENT,
        Folded,
        SegmentInfo,
        format_cost,
        gsm7_septets,
        is_gsm7,
        segment_info,
        segment_price,
        to_gsm7,
        ucs2_culprits,
    )
    from .templates import PLACEHOLDER, Rendered, contact_context, render, sent_text_matches, unfilled


__getattr__, __dir__ = lazy_names(__name__, _HOMES)
