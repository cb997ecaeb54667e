"""`templates pull DIR` and `templates push DIR`: the account's templates as files in a folder.

Pull writes one file per template (`sms/template_files.py` has the format). Each file is written
to a hidden temporary file in the folder and renamed into place, so a file is never half-written,
and only names pull chose itself (`<slug>.txt`, no separators, never hidden) are written, so
nothing lands outside the folder; a symbolic link in the folder is never followed (a new file
never takes the name of an existing entry, and a rename replaces a link rather than writing
through it).

Edits made here are never lost to a pull. The folder holds a hidden manifest,
`.sakari-templates.json`, with the SHA-256 of every file as pull (or push) last wrote it. A file
whose bytes no longer match its hash, or that the manifest does not know (written by hand, or the
manifest lost), counts as edited locally: pull leaves it alone and says so, unless forced. A file
that already holds what pull would write is simply recorded. A template keeps the file that names
its id, so a template renamed at Sakari changes its `name:` line, not its file name.

Push compares the files with Sakari (`sms/template_plan.py`), creates and updates what differs,
never deletes, writes each saved template back to its file (a new one gains its `id:` line, so a
second push does not create it again), then reads Sakari's list again to check that every change
holds. A failure of one template is one sentence and the others go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import api  # models by name, loaded at first use: not before the first frame
from ..api import ApiUnavailable, SakariError
from ..sms.template_files import (
    TemplateFile,
    as_file,
    file_name_for,
    remote_type,
    render_file,
)
from ..sms.template_lint import CONTACT_VARIABLES
from ..sms.template_plan import PushPlan, describe, label, plan_push
from ..text import one_line
from .engine import MAX_TEMPLATES
from .template_folder import (
    MANIFEST,  # noqa: F401  (callers name the manifest from here)
    TemplateFolderError,
    file_bytes,
    folder_entries,
    load_manifest,
    read_folder,
    save_manifest,
    sha256_of,
    shown_path,
    write_file,
)

if TYPE_CHECKING:
    from collections.abc import Collection

    from ..api import SakariClient
    from ..api.models import Template


async def _remote(client: SakariClient) -> tuple[list[Template], str | None]:
    collected = await client.collect(client.fetch_all_templates, max_items=MAX_TEMPLATES)
    return list(collected.items), collected.reason


# --- pull --------------------------------------------------------------------------------------


@dataclass
class PullResult:
    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """Files of templates no longer at Sakari (unedited here), removed."""
    kept: list[str] = field(default_factory=list)
    """One sentence per file edited here and so left as it is."""
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        counts = f"{len(self.written)} written, {len(self.unchanged)} unchanged"
        if self.removed:
            counts += f", {len(self.removed)} removed"
        return "\n".join([f"Pulled into {shown_path(self.folder)}: {counts}.", *self.kept, *self.notes])


def _assign_names(remote: list[Template], files: list[TemplateFile], entries: Collection[str]) -> dict[str, str]:
    """Template id → file name: the file that names the id, else a fresh slug no entry has."""
    by_id: dict[str, str] = {}
    for file in files:
        if file.id:
            by_id.setdefault(file.id, file.file_name)
    names: dict[str, str] = {}
    taken = set(entries)
    ordered = sorted((t for t in remote if t.id), key=lambda t: ((t.name or "").casefold(), t.id or ""))
    for template in ordered:
        if template.id in by_id:
            names[template.id] = by_id[template.id]
    for template in ordered:
        if template.id not in names:
            names[template.id] = file_name_for(template.name, taken | set(names.values()))
    return names


async def pull(client: SakariClient, folder: Path, *, force: bool = False) -> PullResult:
    """Write every template at Sakari into `folder` (created if missing); see the module docstring
    for what is never overwritten. `force` overwrites files edited here too."""
    folder = Path(folder)
    remote, reason = await _remote(client)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TemplateFolderError(
            f"Could not create the folder {shown_path(folder)}: {error.strerror or error}."
        ) from None
    result = PullResult(folder)
    entries = folder_entries(folder)
    hashes, note = load_manifest(folder)
    result.notes += [text for text in (note, reason) if text]
    files, _ = read_folder(folder)

    def edited(name: str) -> bool:
        data = entries.get(name)
        return data is not None and hashes.get(name) != sha256_of(data)

    names = _assign_names(remote, files, entries)
    for template in remote:
        if not template.id:
            result.notes.append(f"The template {label(template.name)} has no id at Sakari; not pulled.")
            continue
        name = names[template.id]
        data = file_bytes(render_file(as_file(template, name)))
        if entries.get(name) == data:
            result.unchanged.append(name)
        elif edited(name) and not force:
            result.kept.append(f"{one_line(name, 80)} was edited here; kept (pull --force overwrites it).")
            continue
        else:
            write_file(folder, name, data)
            result.written.append(name)
        hashes[name] = sha256_of(data)
    if reason is None:  # only a whole list can tell that a template is gone
        present = {t.id for t in remote}
        for file in files:
            if file.id and file.id not in present:
                _remove_gone(folder, file.file_name, edited(file.file_name), result)
    for name in list(hashes):
        if not (folder / name).is_file():
            del hashes[name]
    save_manifest(folder, hashes)
    return result


def _remove_gone(folder: Path, name: str, edited: bool, result: PullResult) -> None:
    shown = one_line(name, 80)
    if edited:
        result.kept.append(f"{shown} names a template no longer at Sakari; kept, as it was edited here.")
        return
    try:
        (folder / name).unlink()
    except OSError as error:
        result.notes.append(f"Could not remove {shown} (its template is gone from Sakari): {error.strerror or error}.")
        return
    result.removed.append(name)


# --- push --------------------------------------------------------------------------------------


@dataclass
class PushResult:
    plan: PushPlan
    dry_run: bool
    created: list[str] = field(default_factory=list)
    """File names whose template was created (each now has its id)."""
    updated: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """One sentence per template Sakari refused or could not be reached for."""
    unknown: list[str] = field(default_factory=list)
    """One sentence per create whose outcome is unknown (sent, no answer, not found on re-reading)."""
    after: PushPlan | None = None
    """The plan again after the changes, from Sakari's list re-read (None on a dry run or when the re-read failed)."""

    def describe(self) -> str:
        if self.dry_run:
            return describe(self.plan)
        out = [
            f"Created {label(c.file.name)} from {one_line(c.file.file_name, 80)}."
            for c in self.plan.creates
            if c.file.file_name in self.created
        ]
        out += [
            f"Updated {label(u.file.name)} from {one_line(u.file.file_name, 80)}: {', '.join(u.changes)}."
            for u in self.plan.updates
            if u.file.file_name in self.updated
        ]
        if not out and not self.failures and not self.unknown:
            out.append("No change.")
        out += self.failures + self.unknown + list(self.plan.problems)
        return "\n".join(out)


def _saved_file(file: TemplateFile, saved: Template) -> TemplateFile:
    """The file as Sakari now holds its template (what the answer leaves out, as sent)."""
    return TemplateFile(
        file.file_name,
        saved.name if saved.name is not None else file.name,
        saved.type or file.type,
        saved.template if saved.template is not None else file.body,
        saved.id or file.id,
    )


def _record(folder: Path, hashes: dict[str, str], file: TemplateFile, result: PushResult) -> bool:
    """Write a saved template back to its file; a failure is a sentence (the push goes on)."""
    data = file_bytes(render_file(file))
    try:
        write_file(folder, file.file_name, data)
    except TemplateFolderError as error:
        hint = f" Add the line 'id: {file.id}' to it before pushing again." if file.id else ""
        reason = str(error)
        result.failures.append(f"{label(file.name)} is saved at Sakari, but {reason[:1].lower()}{reason[1:]}{hint}")
        return False
    hashes[file.file_name] = sha256_of(data)
    return True


def _request(file: TemplateFile) -> api.TemplateRequest:
    return api.TemplateRequest(name=file.name, template=file.body, type=file.type)


def _failed(verb: str, file: TemplateFile, error: SakariError) -> str:
    return f"Could not {verb} {label(file.name)} from {one_line(file.file_name, 80)}: {one_line(str(error), 240)}"


async def push(
    client: SakariClient,
    folder: Path,
    *,
    dry_run: bool,
    known_variables: Collection[str] = CONTACT_VARIABLES,
) -> PushResult:
    """Create and update at Sakari what the files in `folder` change (a dry run only plans)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TemplateFolderError(f"There is no folder {shown_path(folder)} to push; run templates pull first.")
    remote, reason = await _remote(client)
    if reason is not None:
        # Without the whole list a file's template may look missing: pushing could double it.
        raise TemplateFolderError(f"Nothing pushed: {reason}")
    files, problems = read_folder(folder)
    plan = plan_push(files, remote, known_variables=known_variables, problems=problems)
    result = PushResult(plan, dry_run)
    if dry_run or not plan.changes:
        return result
    hashes, _ = load_manifest(folder)
    pending: list[TemplateFile] = []
    for create in plan.creates:
        try:
            saved = await client.create_template(_request(create.file))
        except ApiUnavailable as error:
            if error.request_sent is False:
                result.failures.append(_failed("create", create.file, error))
            else:
                pending.append(create.file)
            continue
        except SakariError as error:
            result.failures.append(_failed("create", create.file, error))
            continue
        if not saved.id:
            pending.append(create.file)
            continue
        if _record(folder, hashes, _saved_file(create.file, saved), result):
            result.created.append(create.file.file_name)
    for update in plan.updates:
        try:
            saved = await client.update_template(update.remote.id or "", _request(update.file))
        except SakariError as error:
            # An update may be repeated safely; the re-read below tells whether it held.
            result.failures.append(_failed("update", update.file, error) + " Pushing again is safe.")
            continue
        if _record(folder, hashes, _saved_file(update.file, saved), result):
            result.updated.append(update.file.file_name)
    try:
        after_remote, _ = await _remote(client)
    except SakariError:
        after_remote = None
    if after_remote is not None:
        _adopt(folder, hashes, pending, remote, after_remote, result)
        files, problems = read_folder(folder)
        result.after = plan_push(files, after_remote, known_variables=known_variables, problems=problems)
        _check(result)
    result.unknown += [
        f"Sakari may or may not have created {label(file.name)} from {one_line(file.file_name, 80)} (no answer); "
        "run templates pull and check before pushing again."
        for file in pending
    ]
    save_manifest(folder, hashes)
    return result


def _adopt(
    folder: Path,
    hashes: dict[str, str],
    pending: list[TemplateFile],
    before: list[Template],
    after: list[Template],
    result: PushResult,
) -> None:
    """A create whose answer was lost, found on re-reading (one new template, same name, type and
    text): its file takes the id, as if the answer had come."""
    known = {t.id for t in before}
    for file in list(pending):
        matches = [
            t
            for t in after
            if t.id not in known and (t.name, remote_type(t), t.template) == (file.name, file.type, file.body)
        ]
        if len(matches) == 1:
            known.add(matches[0].id)
            pending.remove(file)
            if _record(folder, hashes, _saved_file(file, matches[0]), result):
                result.created.append(file.file_name)


def _check(result: PushResult) -> None:
    """Every file pushed must now match Sakari; a change that did not hold is a failure."""
    assert result.after is not None
    still = {c.file.file_name for c in result.after.creates} | {u.file.file_name for u in result.after.updates}
    for name in [*result.created, *result.updated]:
        if name in still:
            result.failures.append(f"Sakari did not keep the change from {one_line(name, 80)}; push again to retry.")
