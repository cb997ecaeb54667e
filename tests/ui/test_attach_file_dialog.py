"""The file chooser of `a`: completion, what it says about a file as it is typed, and removal."""

from __future__ import annotations

from textual.app import App

from sakari_tui.store.outbox_media import local_file
from sakari_tui.ui.screens.attach_file import AttachChoice, AttachFileScreen, PathSuggester, folder_entries

from ..support.waiting import wait_until


class Host(App):
    def __init__(self, screen) -> None:
        super().__init__()
        self.dialog = screen
        self.answers: list = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


def _text(screen, widget_id: str) -> str:
    return str(screen.query_one(widget_id).render())


async def test_the_folder_is_listed_and_tab_completes_the_name(tmp_path):
    (tmp_path / "return-label.png").write_bytes(b"\x89PNG" + b"\0" * 100)
    (tmp_path / "receipts").mkdir()
    (tmp_path / ".hidden").write_text("x")
    _folder, prefix, names = folder_entries(f"{tmp_path}/re")
    assert prefix == "re" and names == ["receipts/", "return-label.png"]
    assert await PathSuggester().get_suggestion(f"{tmp_path}/ret") == f"{tmp_path}/return-label.png"
    app = Host(AttachFileScreen("Lars Andersson", start=f"{tmp_path}/"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: isinstance(app.screen, AttachFileScreen), pilot)
        await pilot.press("end", *"ret")
        assert _text(app.screen, "#attach-file") == "Tab completes: return-label.png"
        await wait_until(lambda: app.screen.query_one("#attach-path")._suggestion, pilot)  # computed in a worker
        await pilot.press("tab")
        await wait_until(lambda: "📎 return-label.png · image/png" in _text(app.screen, "#attach-file"), pilot)
        assert ".hidden" not in _text(app.screen, "#attach-listing")
        await pilot.press("enter")
        await wait_until(lambda: app.answers, pilot)
    [choice] = app.answers
    assert isinstance(choice, AttachChoice) and choice.file.name == "return-label.png"


async def test_a_file_that_cannot_go_says_why_in_one_sentence_and_enter_does_nothing(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    app = Host(AttachFileScreen("Lars", start=str(tmp_path / "empty.png")))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: isinstance(app.screen, AttachFileScreen), pilot)
        said = _text(app.screen, "#attach-file")
        assert "empty" in said and said.count(".") >= 1 and "\n" not in said
        await pilot.press("enter")
        await pilot.pause()
        assert app.answers == [] and isinstance(app.screen, AttachFileScreen)
        await pilot.press("escape")
        await wait_until(lambda: app.answers == [None], pilot)


async def test_warnings_show_before_attaching_and_an_emptied_box_removes_the_attachment(tmp_path):
    picture = tmp_path / "map.png"
    picture.write_bytes(b"\x89PNG" + b"\0" * 10)
    current = local_file(picture)
    screen = AttachFileScreen("Lars", current=current, warnings=lambda file: [f"{file.name} goes abroad."])
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(lambda: isinstance(app.screen, AttachFileScreen), pilot)
        assert _text(app.screen, "#attach-warning") == "⚠ map.png goes abroad."
        assert "removes the attachment" in _text(app.screen, "#attach-hint")
        app.screen.query_one("#attach-path").value = ""
        await pilot.press("enter")
        await wait_until(lambda: app.answers, pilot)
    assert app.answers == [AttachChoice(None)]
