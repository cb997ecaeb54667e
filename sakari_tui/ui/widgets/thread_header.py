"""The open conversation's header: who, their number, the number it runs on, closed or open, and
the opt-out flags. It only draws: what follows from an opt-out (the compose box) is not its job."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from ...api import Conversation
from ...sms.keywords import reads_like_opt_out
from ...sms.phones import display_number
from ...text import one_line


def header_content(conversation: Conversation | None, *, opted_out: bool) -> Content:
    if conversation is None:
        return Content("")
    contact = conversation.contact
    number = display_number(contact.mobile.number if contact and contact.mobile else None)
    has_name = bool(contact and (contact.first_name or contact.last_name or "").strip())
    name = one_line(contact.display_name if has_name else (number or "unknown contact"), 60)
    sender = display_number(conversation.phone_number.number if conversation.phone_number else None)
    parts = [Content.styled(name, "bold")]
    if number and number != name:
        parts.append(Content(f"  {one_line(number, 30)}"))
    if sender:
        parts.append(Content.styled(f"  via {one_line(sender, 30)}", "$foreground-muted"))
    parts.append(
        Content.styled(
            "  ✓ closed" if conversation.closed else "  open",
            "$foreground-muted" if conversation.closed else "$success",
        )
    )
    last = conversation.last_message
    if opted_out:
        parts.append(Content.styled("  ⊘ opted out: texts to this contact are refused", "bold $error"))
    elif last and reads_like_opt_out(last.message) and not last.outgoing:
        parts.append(
            Content.styled("  ⚑ their last text reads like an opt-out · O marks them opted out", "bold $warning")
        )
    return Content.assemble(*parts)


class ThreadHeader(Static):
    def show(self, conversation: Conversation | None, *, opted_out: bool) -> None:
        self.update(header_content(conversation, opted_out=opted_out))
