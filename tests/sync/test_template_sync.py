"""templates pull / push against the simulator over loopback: round trips, creates, local edits kept."""

import json
import os

import pytest

from sakari_tui.api import ApiUnavailable, InvalidRequest
from sakari_tui.simulator.demo_cast import TEMPLATES
from sakari_tui.sms.template_files import is_template_file_name, parse_template_file
from sakari_tui.sync.template_sync import MANIFEST, TemplateFolderError, pull, push, read_folder
from tests.support.hostile import HOSTILE


def on_server(server):
    return {t.id: (t.name, t.type, t.template) for t in server.state.templates.values()}


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


async def test_pull_writes_one_file_per_demo_template(server, client, tmp_path):
    folder = tmp_path / "templates"
    result = await pull(client, folder)
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    assert len(names) == len(TEMPLATES) == len(result.written) and not result.kept
    assert "welcome.txt" in names and "order-shipped.txt" in names
    welcome = parse_template_file("welcome.txt", (folder / "welcome.txt").read_text("utf-8"))
    assert (welcome.name, welcome.type) == ("Welcome", "SMS") and welcome.id in server.state.templates
    assert welcome.body == server.state.templates[welcome.id].template
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    assert sorted(manifest["files"]) == names
    assert result.describe() == f"Pulled into {folder}: {len(TEMPLATES)} written, 0 unchanged."
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


async def test_pull_then_push_dry_run_reports_no_change(server, client, tmp_path):
    await pull(client, tmp_path)
    result = await push(client, tmp_path, dry_run=True)
    assert result.describe() == "No change."
    again = await pull(client, tmp_path)
    assert again.written == [] and len(again.unchanged) == len(TEMPLATES)


async def test_pull_edit_push_pull_round_trip_changes_only_the_edit(server, client, tmp_path):
    await pull(client, tmp_path)
    before = on_server(server)
    edit(tmp_path / "welcome.txt", "welcome to Northwind", "welcome back to Northwind")

    planned = await push(client, tmp_path, dry_run=True)
    assert planned.describe().startswith("Update “Welcome” from welcome.txt: text.\n")
    assert on_server(server) == before  # a dry run changes nothing

    result = await push(client, tmp_path, dry_run=False)
    assert result.updated == ["welcome.txt"] and not result.failures and not result.unknown
    assert result.after is not None and not result.after.changes
    assert result.describe() == "Updated “Welcome” from welcome.txt: text."
    after = on_server(server)
    changed = {tid for tid in before if before[tid] != after[tid]}
    (welcome_id,) = changed
    assert after[welcome_id][2].startswith("Hi {{ firstName }}, welcome back to Northwind")
    assert set(after) == set(before)

    again = await pull(client, tmp_path)
    assert again.written == [] and not again.kept
    assert (await push(client, tmp_path, dry_run=True)).describe() == "No change."


async def test_a_new_file_creates_a_template_and_gains_its_id(server, client, tmp_path):
    await pull(client, tmp_path)
    (tmp_path / "spring.txt").write_text("---\nname: Spring promo\n---\nHi {{ firstName }}, spring sale! 🌸\n", "utf-8")
    planned = await push(client, tmp_path, dry_run=True)
    assert planned.describe().startswith("Create “Spring promo” (SMS) from spring.txt.\n")

    result = await push(client, tmp_path, dry_run=False)
    assert result.created == ["spring.txt"] and not result.failures
    created = [t for t in server.state.templates.values() if t.name == "Spring promo"]
    assert len(created) == 1 and created[0].template == "Hi {{ firstName }}, spring sale! 🌸"
    written = parse_template_file("spring.txt", (tmp_path / "spring.txt").read_text("utf-8"))
    assert written.id == created[0].id

    # A second push does not create it again, and a pull sees nothing to change.
    assert (await push(client, tmp_path, dry_run=True)).describe() == "No change."
    assert (await pull(client, tmp_path)).written == []


async def test_a_locally_edited_file_is_not_overwritten_by_pull(server, client, tmp_path):
    await pull(client, tmp_path)
    edit(tmp_path / "thanks.txt", "Happy to help", "Glad to help")
    edited = (tmp_path / "thanks.txt").read_bytes()
    thanks = next(t for t in server.state.templates.values() if t.name == "Thanks")
    thanks.template = "Thanks {{ firstName }}! Changed at Sakari"
    welcome = next(t for t in server.state.templates.values() if t.name == "Welcome")
    welcome.template = "Hello {{ firstName }}!"

    result = await pull(client, tmp_path)
    assert (tmp_path / "thanks.txt").read_bytes() == edited
    assert result.kept == ["thanks.txt was edited here; kept (pull --force overwrites it)."]
    assert result.written == ["welcome.txt"]
    assert "Hello {{ firstName }}!" in (tmp_path / "welcome.txt").read_text("utf-8")

    # Still edited on the next pull; --force takes Sakari's.
    assert (await pull(client, tmp_path)).kept == result.kept
    forced = await pull(client, tmp_path, force=True)
    assert forced.written == ["thanks.txt"] and "Changed at Sakari" in (tmp_path / "thanks.txt").read_text("utf-8")


async def test_a_hand_written_file_never_loses_its_name_to_a_pulled_template(server, client, tmp_path):
    (tmp_path / "welcome.txt").write_text("---\nname: My own welcome\n---\nHey\n", "utf-8")
    result = await pull(client, tmp_path)
    assert (tmp_path / "welcome.txt").read_text("utf-8") == "---\nname: My own welcome\n---\nHey\n"
    assert "welcome-2.txt" in result.written
    assert parse_template_file("w", (tmp_path / "welcome-2.txt").read_text("utf-8")).name == "Welcome"


async def test_a_template_renamed_at_sakari_keeps_its_file(server, client, tmp_path):
    await pull(client, tmp_path)
    next(t for t in server.state.templates.values() if t.name == "Welcome").name = "Welcome new customers"
    result = await pull(client, tmp_path)
    assert result.written == ["welcome.txt"]
    assert "name: Welcome new customers\n" in (tmp_path / "welcome.txt").read_text("utf-8")
    assert not (tmp_path / "welcome-new-customers.txt").exists()


async def test_a_template_removed_at_sakari_removes_its_unedited_file_only(server, client, tmp_path):
    await pull(client, tmp_path)
    edit(tmp_path / "closing.txt", "closing this", "now closing this")
    for name in ("Thanks", "Closing"):
        tid = next(t.id for t in server.state.templates.values() if t.name == name)
        del server.state.templates[tid]
    result = await pull(client, tmp_path)
    assert result.removed == ["thanks.txt"] and not (tmp_path / "thanks.txt").exists()
    assert result.kept == ["closing.txt names a template no longer at Sakari; kept, as it was edited here."]
    planned = await push(client, tmp_path, dry_run=True)
    assert any(p.startswith("closing.txt names template") for p in planned.plan.problems)


async def test_a_lost_manifest_makes_every_changed_file_count_as_edited(server, client, tmp_path):
    await pull(client, tmp_path)
    (tmp_path / MANIFEST).write_text("{not json", "utf-8")
    next(t for t in server.state.templates.values() if t.name == "Welcome").template = "Changed {{ firstName }}"
    result = await pull(client, tmp_path)
    assert result.kept == ["welcome.txt was edited here; kept (pull --force overwrites it)."]
    assert f"{MANIFEST} could not be read, so every file counts as edited here." in result.notes
    assert len(result.unchanged) == len(TEMPLATES) - 1  # the others already hold what Sakari has
    # The manifest is whole again: the next pull knows the unchanged files.
    assert json.loads((tmp_path / MANIFEST).read_text("utf-8"))["files"]


async def test_hostile_names_and_bodies_pull_to_safe_files_and_push_back_unchanged(server, client, tmp_path):
    server.state.templates.clear()
    for key, text in sorted(HOSTILE.items()):
        if text.strip() and len(text) <= 1000:
            await client.create_template({"name": text, "template": f"{key}: {text}"})
    assert len(server.state.templates) > 40
    folder = tmp_path / "t"
    result = await pull(client, folder)
    assert len(result.written) == len(server.state.templates)
    for path in folder.iterdir():
        assert path.parent == folder and (is_template_file_name(path.name) or path.name == MANIFEST)
    files, problems = read_folder(folder)
    assert problems == [] and len(files) == len(server.state.templates)
    assert {(f.name, f.body) for f in files} == {(t.name, t.template) for t in server.state.templates.values()}
    assert (await push(client, folder, dry_run=True)).describe() == "No change."


async def test_a_symlink_in_the_folder_is_neither_followed_nor_replaced(server, client, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", "utf-8")
    folder = tmp_path / "t"
    folder.mkdir()
    os.symlink(outside, folder / "welcome.txt")
    result = await pull(client, folder)
    assert outside.read_text("utf-8") == "keep me" and (folder / "welcome.txt").is_symlink()
    assert "welcome-2.txt" in result.written
    planned = await push(client, folder, dry_run=True)
    assert "welcome.txt is not a regular file (a link or a folder); skipped." in planned.plan.problems


async def test_one_failing_template_is_a_sentence_and_the_others_go_on(server, client, tmp_path):
    await pull(client, tmp_path)
    edit(tmp_path / "welcome.txt", "welcome to", "a warm welcome to")
    edit(tmp_path / "thanks.txt", "Happy to help", "Glad to help")
    thanks_id = parse_template_file("t", (tmp_path / "thanks.txt").read_text("utf-8")).id
    # Removed at Sakari between the plan's list and the update: the update is refused (404).
    real_update = client.update_template

    async def update(template_id, request):
        if template_id == thanks_id:
            del server.state.templates[thanks_id]
        return await real_update(template_id, request)

    client.update_template = update
    result = await push(client, tmp_path, dry_run=False)
    assert result.updated == ["welcome.txt"]
    (failure,) = result.failures
    assert failure.startswith("Could not update “Thanks” from thanks.txt: ") and failure.endswith(
        "Pushing again is safe."
    )
    assert "\n" not in failure


async def test_bad_files_are_reported_and_the_good_ones_pushed(server, client, tmp_path):
    await pull(client, tmp_path)
    (tmp_path / "broken.txt").write_text("no front matter\n", "utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00")
    edit(tmp_path / "welcome.txt", "welcome to", "a warm welcome to")
    result = await push(client, tmp_path, dry_run=False)
    assert result.updated == ["welcome.txt"]
    assert result.plan.problems == (
        "binary.txt is not UTF-8 text.",
        "broken.txt line 1: a template file starts with a line '---' opening its front matter.",
    )
    assert result.describe().endswith(
        "broken.txt line 1: a template file starts with a line '---' opening its front matter."
    )


async def test_push_without_a_folder_is_one_sentence(server, client, tmp_path):
    with pytest.raises(TemplateFolderError) as raised:
        await push(client, tmp_path / "missing", dry_run=True)
    assert str(raised.value) == f"There is no folder {tmp_path / 'missing'} to push; run templates pull first."


def new_file(folder, name="Spring promo"):
    (folder / "spring.txt").write_text(f"---\nname: {name}\n---\nSpring sale!\n", "utf-8")


async def test_a_create_whose_answer_was_lost_is_found_on_re_reading(server, client, tmp_path):
    await pull(client, tmp_path)
    new_file(tmp_path)
    real_create = client.create_template

    async def create(request):
        await real_create(request)
        raise ApiUnavailable("The connection was reset.", request_sent=True)

    client.create_template = create
    result = await push(client, tmp_path, dry_run=False)
    assert result.created == ["spring.txt"] and not result.unknown and not result.failures
    (created,) = [t for t in server.state.templates.values() if t.name == "Spring promo"]
    assert parse_template_file("s", (tmp_path / "spring.txt").read_text("utf-8")).id == created.id
    assert (await push(client, tmp_path, dry_run=True)).describe() == "No change."


async def test_a_create_that_may_not_have_happened_is_unknown_not_a_failure(server, client, tmp_path):
    await pull(client, tmp_path)
    new_file(tmp_path)

    async def create(request):
        raise ApiUnavailable("The Sakari API took too long to answer.", request_sent=True)

    client.create_template = create
    result = await push(client, tmp_path, dry_run=False)
    assert result.created == [] and result.failures == []
    assert result.unknown == [
        "Sakari may or may not have created “Spring promo” from spring.txt (no answer); "
        "run templates pull and check before pushing again."
    ]


async def test_a_create_that_never_left_is_a_failure(server, client, tmp_path):
    await pull(client, tmp_path)
    new_file(tmp_path)

    async def create(request):
        raise ApiUnavailable("Could not connect to the Sakari API.", request_sent=False)

    client.create_template = create
    result = await push(client, tmp_path, dry_run=False)
    assert result.failures == ["Could not create “Spring promo” from spring.txt: Could not connect to the Sakari API."]
    assert not result.unknown


async def test_sakari_refusing_a_create_is_a_sentence(server, client, tmp_path):
    await pull(client, tmp_path)
    new_file(tmp_path)

    async def create(request):
        raise InvalidRequest("A template needs some text", code="TMPL-002", status=400)

    client.create_template = create
    (failure,) = (await push(client, tmp_path, dry_run=False)).failures
    assert failure.startswith("Could not create “Spring promo” from spring.txt: ") and "\n" not in failure
