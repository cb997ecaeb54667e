"""The Textual application and its factory, `make_app()`."""

from __future__ import annotations

from datetime import datetime, timezone

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ..api import Conversation, SakariClient, SakariError
from ..config import Settings
from ..text import one_line


def relative_time(when: datetime | None, now: datetime) -> str:
    """A short age like '5m', '3h', '2d' for list rows."""
    if when is None:
        return ""
    seconds = max(0, int((now - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return "now"


def conversation_row(conversation: Conversation, now: datetime) -> Content:
    """One list row as plain-text Content: name, age, unread count and a preview line."""
    contact = conversation.contact
    name = one_line(contact.display_name if contact else "unknown contact", 40)
    last = conversation.last_message
    preview = one_line(last.message if last else "", 120) or "(no messages)"
    if last and last.outgoing:
        preview = f"You: {preview}"
    age = relative_time(last.created_at if last else None, now)
    markers = []
    if conversation.unread:
        markers.append(Content.styled(f" {len(conversation.unread)} new ", "bold reverse"))
    if conversation.closed:
        markers.append(Content.styled(" closed", "dim"))
    head = Content.assemble(Content.styled(name, "bold"), *markers, "  ", Content.styled(age, "dim"))
    return Content.assemble(head, "\n", Content.styled(preview, "dim"))


class SakariApp(App[None]):
    """The inbox. Receives its settings and client; owns and closes the client."""

    TITLE = "sakari-tui"
    CSS = """
    #conversations { height: 1fr; }
    #status { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, settings: Settings, client: SakariClient, *, demo: bool = False) -> None:
        super().__init__()
        self.settings = settings
        self.client = client
        self.demo = demo
        self.conversations: list[Conversation] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="conversations")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self.demo:
            self.sub_title = "DEMO: simulated Sakari account, no real texts are sent"
        self.query_one("#conversations", OptionList).border_title = "Inbox"
        self.action_refresh()

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(Content(text))

    def action_refresh(self) -> None:
        self.set_status("Loading conversations…")
        self.load_conversations()

    @work(group="conversations", exclusive=True, exit_on_error=False)
    async def load_conversations(self) -> None:
        try:
            conversations = [c async for c in self.client.iter_conversations()]
        except SakariError as error:
            self.set_status(one_line(str(error)))
            return
        self.show_conversations(conversations)

    def show_conversations(self, conversations: list[Conversation]) -> None:
        self.conversations = conversations
        now = datetime.now(timezone.utc)
        option_list = self.query_one("#conversations", OptionList)
        highlighted = option_list.highlighted
        option_list.clear_options()
        option_list.add_options(Option(conversation_row(c, now), id=c.id) for c in conversations)
        if conversations:
            option_list.highlighted = min(highlighted or 0, len(conversations) - 1)
        unread = sum(1 for c in conversations if c.unread)
        option_list.border_title = f"Inbox {unread} unread / {len(conversations)}"
        self.set_status(f"Updated {datetime.now().strftime('%H:%M:%S')}")


def make_app(settings: Settings, client: SakariClient, *, demo: bool = False) -> SakariApp:
    """The one way the CLI, the tests and the screenshot script build the app."""
    return SakariApp(settings, client, demo=demo)
