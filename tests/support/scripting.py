"""What the scripting commands' tests share: settings written where the commands read them,
running a command and reading its output, and the simulator's copies and customers to check against."""

from __future__ import annotations

from sakari_tui.cli import main
from sakari_tui.paths import config_path


def write_settings(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)


def copies(server, text):
    with server.state.lock:
        return [m for m in server.state.messages.values() if m.outgoing and m.text == text]


def customer_waiting(server):
    """A conversation whose last message is the customer's, with a contact who takes texts."""
    with server.state.lock:
        for conversation in server.state.conversations.values():
            contact = server.state.contacts[conversation.contact_id]
            last = server.state.messages[conversation.message_ids[-1]]
            if conversation.is_open and contact.blocked_at is None and not last.outgoing:
                return conversation, contact
    raise AssertionError("no waiting customer in the demo")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
