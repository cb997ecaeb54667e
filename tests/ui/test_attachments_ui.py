"""Attachments as a user meets them: the attachment line under a bubble, `o` (the host shown
first, only http(s) opened), `w` (saved under a new name, never over another), `p` (the preview
modal), and `a` / a dropped path (a local file sent as one MMS with the uploaded link)."""

from __future__ import annotations

from sakari_tui.ui.screens.attach_file import AttachFileScreen
from sakari_tui.ui.screens.confirm import ConfirmScreen
from sakari_tui.ui.screens.image_preview import ImagePreviewScreen

from ..support.factories import settings_for
from ..support.hostile import TERMINAL_FORBIDDEN
from ..support.inbox import Inbox
from ..support.keyboard import type_text
from ..support.waiting import wait_until


def _conversation_with(server, predicate):
    """The id of the first conversation holding a message whose media `predicate` accepts."""
    for message in server.state.messages.values():
        if message.media and predicate(message.media):
            return message.conversation_id
    raise AssertionError("no such message in the demo")


def photo_conversation(server):
    return _conversation_with(server, lambda media: any(m.get("filename") == "damaged-box.png" for m in media))


def hostile_conversation(server):
    return _conversation_with(server, lambda media: any(str(m.get("url", "")).startswith("file:") for m in media))


def flat(text: str) -> str:
    """The thread's text with its wrapping undone (lines joined, runs of spaces as one)."""
    return " ".join(text.split())


def attachment_settings(server, tmp_path):
    settings = settings_for(server)
    settings.attachments.folder = str(tmp_path / "downloads")
    settings.attachments.preview = "halfcell"
    return settings


class Opened:
    """Stands in for the system opener: records the argv it would have run."""

    def __init__(self) -> None:
        self.argv: list[list[str]] = []

    def __call__(self, argv, **_options):
        self.argv.append(list(argv))
        return None


def fake_opener(monkeypatch) -> Opened:
    from sakari_tui.media import opener

    opened = Opened()
    real = opener.open_link
    monkeypatch.setattr(
        "sakari_tui.ui.inbox.attachments.open_link",
        lambda attachment, **kw: real(attachment, run=opened, which=lambda name: f"/usr/bin/{name}"),
    )
    return opened


async def open_thread(inbox, pilot, conversation_id):
    inbox.open(conversation_id, focus_compose=False)
    await wait_until(lambda: inbox.open_id == conversation_id, pilot)
    inbox.thread.focus()
    await pilot.pause()


async def test_a_photo_shows_as_its_own_attachment_line_with_name_type_and_host(build_app, server, tmp_path):
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, photo_conversation(server))
        await wait_until(lambda: "damaged-box.png" in inbox.thread_text(), pilot)
        line = next(line for line in inbox.thread_text().splitlines() if "damaged-box.png" in line)
        assert "📷" in line and "image/png" in line and "127.0.0.1" in line
        assert "/_sim/" not in line  # the host, not the whole link


async def test_o_shows_the_host_and_opens_only_after_yes(build_app, server, tmp_path, monkeypatch):
    opened = fake_opener(monkeypatch)
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, photo_conversation(server))
        await pilot.press("o")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert "127.0.0.1" in str(app.screen.query_one("#confirm-question").render())
        assert opened.argv == []
        await pilot.press("y")
        await wait_until(lambda: opened.argv, pilot)
        [argv] = opened.argv
        assert argv[0].endswith(("xdg-open", "open")) and argv[1].startswith("http://127.0.0.1:")


async def test_o_refuses_a_file_link_and_never_runs_the_opener(build_app, server, tmp_path, monkeypatch):
    opened = fake_opener(monkeypatch)
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, hostile_conversation(server))
        await wait_until(lambda: "link not opened (javascript:)" in flat(inbox.thread_text()), pilot)
        text = flat(inbox.thread_text())
        assert "link not opened (file:)" in text and "link not opened (javascript:)" in text
        assert not any(ch in text for ch in TERMINAL_FORBIDDEN)
        assert "../" not in text and "/etc/passwd" not in text.replace("file:///etc/passwd", "")
        await pilot.press("o")
        await wait_until(lambda: any("only http and https" in n for n in inbox.notifications()), pilot)
        assert inbox.on_top() and opened.argv == []


async def test_w_saves_the_photo_and_a_second_save_gets_a_new_name(build_app, server, tmp_path):
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    folder = tmp_path / "downloads"
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, photo_conversation(server))
        await pilot.press("w")
        await wait_until(lambda: (folder / "damaged-box.png").exists(), pilot)
        await pilot.press("w")
        await wait_until(lambda: (folder / "damaged-box (1).png").exists(), pilot)
        await wait_until(lambda: any("Saved damaged-box (1).png" in n for n in inbox.notifications()), pilot)
    shared = next(f for f in server.state.files.values() if f.filename == "damaged-box.png")
    assert (folder / "damaged-box.png").read_bytes() == shared.data
    assert sorted(p.name for p in folder.iterdir()) == ["damaged-box (1).png", "damaged-box.png"]


async def test_w_on_the_hostile_attachments_saves_nothing(build_app, server, tmp_path):
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, hostile_conversation(server))
        await wait_until(lambda: "link not opened (javascript:)" in flat(inbox.thread_text()), pilot)
        await pilot.press("w")
        await wait_until(lambda: any("Not saved" in n for n in inbox.notifications()), pilot)
    folder = tmp_path / "downloads"
    assert not folder.exists() or list(folder.iterdir()) == []
    assert not (tmp_path / ".bashrc").exists()


async def test_p_previews_the_photo_in_a_modal_that_esc_closes(build_app, server, tmp_path):
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(inbox, pilot, photo_conversation(server))
        await pilot.press("p")
        await wait_until(lambda: isinstance(app.screen, ImagePreviewScreen), pilot)
        preview = app.screen
        await wait_until(lambda: preview.query("#preview-image"), pilot, timeout=10)
        await pilot.press("escape")
        await wait_until(lambda: inbox.on_top(), pilot)


async def test_p_with_previews_off_says_so(build_app, server, tmp_path):
    settings = attachment_settings(server, tmp_path)
    settings.attachments.preview = "off"
    app = await build_app(settings=settings)
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, photo_conversation(server))
        await pilot.press("p")
        await wait_until(lambda: any("Previews are off" in n for n in inbox.notifications()), pilot)
        assert inbox.on_top()


def _png(path, size=(32, 24)):
    from PIL import Image

    Image.new("RGB", size, (200, 40, 40)).save(path)
    return path


def mms_copies(server, link_part="/"):
    return [m for m in server.state.messages.values() if m.outgoing and m.kind == "MMS" and m.media]


async def test_a_attaches_a_local_png_and_ctrl_s_sends_one_mms_with_the_uploaded_link(build_app, server, tmp_path):
    picture = _png(tmp_path / "label.png")
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    before = len(mms_copies(server))
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out and not r.closed and r.number.startswith("+1"))
        await pilot.press("enter")
        await wait_until(lambda: inbox.open_id == row.id, pilot)
        await pilot.press("alt+a")
        await wait_until(lambda: isinstance(app.screen, AttachFileScreen), pilot)
        box = app.screen.query_one("#attach-path")
        box.value = str(picture)
        await pilot.pause()
        assert "label.png · image/png" in str(app.screen.query_one("#attach-file").render())
        await pilot.press("enter")
        await wait_until(lambda: inbox.on_top() and inbox.compose.attachment is not None, pilot)
        assert "MMS · 1 message" in inbox.counter_text() and "$0.02" in inbox.counter_text()
        await type_text(pilot, "Here is your return label")
        await pilot.press("ctrl+s")
        await wait_until(
            lambda: len(mms_copies(server)) == before + 1 and not app.store.outbox.all(), pilot, timeout=10
        )
        assert inbox.compose.attachment is None
    [sent] = mms_copies(server)[before:]
    assert sent.text == "Here is your return label"
    [item] = sent.media
    shared = next(f for f in server.state.files.values() if f.filename == "label.png")
    assert item["url"].endswith(shared.path) or shared.path in item["url"]
    assert shared.data == picture.read_bytes()


async def test_a_path_dropped_in_the_reply_attaches_the_file_instead_of_typing_it(build_app, server, tmp_path):
    from textual import events

    picture = _png(tmp_path / "map.png")
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out and not r.closed)
        await pilot.press("enter")
        await wait_until(lambda: inbox.open_id == row.id, pilot)
        inbox.compose.area.post_message(events.Paste(f"'{picture}'"))
        await wait_until(lambda: inbox.compose.attachment is not None, pilot)
        assert inbox.compose.text == "" and inbox.compose.attachment.name == "map.png"


async def test_an_attachment_over_the_warning_size_or_abroad_is_asked_about_before_sending(build_app, server, tmp_path):
    picture = tmp_path / "scan.png"
    picture.write_bytes(_png(tmp_path / "s.png").read_bytes() + b"\0" * 600_000)
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out and not r.closed and r.number.startswith("+1"))
        await pilot.press("enter")
        await wait_until(lambda: inbox.open_id == row.id, pilot)
        from sakari_tui.store.outbox_media import local_file

        app.screen.attach_file(local_file(picture))
        await pilot.pause()
        assert "over 500 KB" in str(inbox.compose.attachment_line.render())
        await pilot.press("ctrl+s")
        await wait_until(lambda: not inbox.on_top(), pilot)
        assert "scan.png is 6" in str(app.screen.query_one("#confirm-question").render())


async def test_brackets_select_messages_and_o_then_acts_on_the_selected_one(build_app, server, tmp_path, monkeypatch):
    opened = fake_opener(monkeypatch)
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, photo_conversation(server))
        await wait_until(lambda: "damaged-box.png" in inbox.thread_text(), pilot)
        log = inbox.thread
        newest = log.bubbles[-1].key
        await pilot.press("right_square_bracket")
        assert log.selected_key is not None
        await pilot.press("end")
        for _ in range(len(log.bubbles)):
            await pilot.press("right_square_bracket")
        assert log.selected_key == newest
        photo = next(b.key for b in log.bubbles if any(a.name == "damaged-box.png" for a in b.media))
        while log.selected_key != photo:
            await pilot.press("left_square_bracket")
        await pilot.press("o")
        await wait_until(lambda: isinstance(app.screen, ConfirmScreen), pilot)
        assert "damaged-box.png" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await wait_until(lambda: inbox.on_top(), pilot)
        assert opened.argv == []
        if not log.bubbles[-1].media:  # the newest has none: selecting it, `o` says so
            log.select(newest)
            await pilot.press("o")
            await wait_until(lambda: any("no attachment" in n for n in inbox.notifications()), pilot)


def test_the_list_and_notifications_mention_what_a_message_carries():
    from sakari_tui.api import Message
    from sakari_tui.store.cache import preview_text

    photo = {"url": "https://m.example/a.png", "type": "image/png", "filename": "a.png"}
    assert preview_text(Message.model_validate({"message": "Look", "media": [photo]})) == "📷 photo · Look"
    assert preview_text(Message.model_validate({"message": "", "media": [photo, photo]})) == "📷 2 photos"
    assert preview_text(Message.model_validate({"message": "Plain"})) == "Plain"


def test_search_hits_say_what_the_message_carries(tmp_path):
    from sakari_tui.api import Message
    from sakari_tui.store import Store

    store = Store(":memory:")
    try:
        message = Message.model_validate(
            {
                "id": "m1",
                "message": "the receipt is attached",
                "outgoing": False,
                "created": {"at": "2026-11-30T10:00:00Z"},
                "media": [{"url": "https://m.example/r.pdf", "type": "application/pdf", "filename": "r.pdf"}],
            }
        )
        store.inbox.merge_messages("c1", [message])
        [hit] = [h for h in store.search.search("receipt") if h.kind == "message"]
        assert hit.attachments == "📄 document"
    finally:
        store.close()


def test_a_pending_mms_says_how_its_upload_stands(tmp_path):
    from sakari_tui.store import Store
    from sakari_tui.store.outbox_media import local_file
    from sakari_tui.ui.inbox.thread_pane import upload_line

    picture = _png(tmp_path / "label.png")
    store = Store(str(tmp_path / "inbox.sqlite3"))
    try:
        entry = store.outbox.add("c1", None, "Label:", (), media=local_file(picture))
        size = entry.media_size
        assert upload_line(entry, None).endswith("· uploaded when it is sent")
        assert upload_line(entry, (size // 4, size)).endswith(f"· uploading {round(100 * (size // 4) / size)}%")
        entry.media_url, entry.media_expires = "https://l.example/x\x1b[2J", 1_800_000_000.0
        line = upload_line(entry, None)
        assert "uploaded: https://l.example/x" in line and "\x1b" not in line and "link expires" in line
    finally:
        store.close()


async def test_the_attachment_stays_with_its_draft_across_conversations_and_restarts(build_app, server, tmp_path):
    picture = _png(tmp_path / "receipt.png")
    store_path = str(tmp_path / "inbox.sqlite3")
    settings = attachment_settings(server, tmp_path)
    app = await build_app(settings=settings, store_path=store_path)
    inbox = Inbox(app)
    rows = [r for r in app.store.inbox.rows(unread_first=False) if not r.opted_out and not r.closed][:2]
    async with app.run_test(size=(120, 40)) as pilot:
        inbox.open(rows[0].id)
        await wait_until(lambda: inbox.open_id == rows[0].id, pilot)
        from sakari_tui.store.outbox_media import local_file

        app.screen.attach_file(local_file(picture))
        inbox.open(rows[1].id)
        await wait_until(lambda: inbox.open_id == rows[1].id and inbox.compose.attachment is None, pilot)
        inbox.open(rows[0].id)
        await wait_until(lambda: inbox.compose.attachment is not None, pilot)
        assert inbox.compose.attachment.name == "receipt.png"
    app.store.close()
    again = await build_app(settings=settings, store_path=store_path, sync=False)
    inbox = Inbox(again)
    async with again.run_test(size=(120, 40)) as pilot:
        inbox.open(rows[0].id)
        await wait_until(lambda: inbox.compose.attachment is not None, pilot)
        picture.unlink()
        inbox.open(rows[1].id)
        await pilot.pause()
        inbox.open(rows[0].id)
        await wait_until(lambda: any("cannot go any more" in n for n in inbox.notifications()), pilot)
        assert inbox.compose.attachment is None and again.store.drafts.file(rows[0].id) is None


async def test_a_large_save_shows_a_progress_bar_until_it_is_done(build_app, server, tmp_path, monkeypatch):
    import asyncio

    release = asyncio.Event()
    seen = []

    async def slow_fetch_to_file(attachment, folder, *, max_bytes, progress=None, **_kw):
        progress(1_000_000, 2_500_000)
        await release.wait()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / attachment.name).write_bytes(b"x")
        return folder / attachment.name

    monkeypatch.setattr("sakari_tui.media.fetch.fetch_to_file", slow_fetch_to_file)  # read at each save
    app = await build_app(settings=attachment_settings(server, tmp_path))
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(inbox, pilot, photo_conversation(server))
        await pilot.press("w")
        bar = app.screen.query_one("#transfer")
        await wait_until(lambda: bar.transfer is not None and bar.transfer.done == 1_000_000, pilot)
        seen.append(bar.display and bar.has_class("-active"))
        assert "1,000 KB of 2,500 KB" in str(bar.query_one("#transfer-amount").render())
        assert "Saving damaged-box.png" in str(bar.query_one("#transfer-label").render())
        release.set()
        await wait_until(lambda: bar.transfer is None and not bar.has_class("-active"), pilot)
    assert seen == [True]


def test_media_from_the_local_network_is_fetched_only_when_the_api_is_there_too():
    from sakari_tui.ui.inbox.attachments import private_media_allowed

    assert private_media_allowed("http://127.0.0.1:8765")  # the simulator
    assert private_media_allowed("http://localhost:8765") and private_media_allowed("http://10.0.0.5")
    assert not private_media_allowed("https://api.sakari.io")
    assert not private_media_allowed("https://8.8.8.8")
