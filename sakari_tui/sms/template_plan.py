"""What `templates push` would change at Sakari: the plan, and the words for it.

A file with an id updates that template (when its name, type or text differ); a file without one
creates a template. A template at Sakari that no file names is listed as kept: push never deletes
(removing a file by mistake must not remove a template everyone uses). A file that cannot be
pushed (an id Sakari does not have, an id two files claim, a text too long in the worst case) is a
problem sentence, and the other files go on.

Pure: no I/O.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..text import one_line, sanitize
from .template_files import TemplateFile, remote_type
from .template_lint import CONTACT_VARIABLES, lint_template, template_refusal

if TYPE_CHECKING:
    from ..api.models import Template


@dataclass(frozen=True)
class Create:
    """A file without an id: a new template."""

    file: TemplateFile
    lint: tuple[str, ...]
    note: str | None = None
    """Set when Sakari already has a template of that name (push makes a second one)."""


@dataclass(frozen=True)
class Update:
    """A file whose name, type or text differ from the template it names."""

    file: TemplateFile
    remote: Template
    changes: tuple[str, ...]
    """One phrase per field that changes: 'name “A” → “B”', 'type SMS → Web', 'text'."""
    diff: str
    """Unified diff of the text, Sakari's before the file's ('' when only the name or type change)."""
    lint: tuple[str, ...]


@dataclass(frozen=True)
class PushPlan:
    creates: tuple[Create, ...] = ()
    updates: tuple[Update, ...] = ()
    unchanged: tuple[TemplateFile, ...] = ()
    remote_only: tuple[Template, ...] = ()
    """Templates at Sakari no file names: kept."""
    problems: tuple[str, ...] = ()
    """One sentence per file push leaves alone (unreadable, unknown or doubled id, refused)."""

    @property
    def changes(self) -> bool:
        return bool(self.creates or self.updates)


def label(name: str | None) -> str:
    """A template's name quoted for a sentence (safe for a terminal)."""
    return f"“{one_line(name, 60) or '(unnamed)'}”"


def _shown_file(file_name: str) -> str:
    return one_line(file_name, 80)


def _lines(text: str) -> list[str]:
    # Split on LF only: str.splitlines would also split on CR, VT, FF and U+2028 in a body.
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def text_diff(before: str, after: str, file_name: str) -> str:
    """A unified diff of a template's text, as git shows it (a last line without newline marked)."""
    if not before.endswith("\n") and not after.endswith("\n"):
        # Templates seldom end in a newline: mark a missing one only when the two texts differ in it.
        before, after = before + "\n", after + "\n"
    out = []
    for line in difflib.unified_diff(_lines(before), _lines(after), f"sakari/{file_name}", file_name):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def plan_push(
    local: Sequence[TemplateFile],
    remote: Sequence[Template],
    *,
    known_variables: Collection[str] = CONTACT_VARIABLES,
    problems: Iterable[str] = (),
) -> PushPlan:
    """Compare the folder's files (`local`) with Sakari's templates (`remote`); `problems` are
    sentences about files that could not be read, carried into the plan."""
    by_id = {template.id: template for template in remote if template.id}
    names = {(template.name or "").strip().casefold(): template for template in remote}
    claimed = Counter(file.id for file in local if file.id)
    found: list[str] = list(problems)
    creates: list[Create] = []
    updates: list[Update] = []
    unchanged: list[TemplateFile] = []
    for file in sorted(local, key=lambda f: f.file_name):
        where = _shown_file(file.file_name)
        if file.id and claimed[file.id] > 1:
            found.append(f"{where} has the id {file.id}, as another file does; give each template one file.")
            continue
        existing = by_id.get(file.id) if file.id else None
        if file.id and existing is None:
            found.append(
                f"{where} names template {file.id}, which Sakari does not have; remove its 'id:' line to create it again."
            )
            continue
        if existing is not None and _same(file, existing):
            unchanged.append(file)
            continue
        refusal = template_refusal(file.body)
        if refusal:
            found.append(f"{where} is not pushed: {refusal}")
            continue
        lint = tuple(lint_template(file.body, known_variables=known_variables))
        if existing is None:
            twin = names.get(file.name.strip().casefold())
            note = (
                f"Sakari already has a template named {label(file.name)} ({twin.id}); push makes another."
                if twin
                else None
            )
            creates.append(Create(file, lint, note))
        else:
            updates.append(_update(file, existing, lint))
    used = set(claimed)
    remote_only = tuple(template for template in remote if template.id not in used)
    return PushPlan(tuple(creates), tuple(updates), tuple(unchanged), remote_only, tuple(found))


def _same(file: TemplateFile, template: Template) -> bool:
    return (file.name, file.type, file.body) == (template.name or "", remote_type(template), template.template or "")


def _update(file: TemplateFile, template: Template, lint: tuple[str, ...]) -> Update:
    changes = []
    if file.name != (template.name or ""):
        changes.append(f"name {label(template.name)} → {label(file.name)}")
    if file.type != remote_type(template):
        changes.append(f"type {remote_type(template)} → {file.type}")
    diff = ""
    if file.body != (template.template or ""):
        changes.append("text")
        diff = text_diff(template.template or "", file.body, file.file_name)
    return Update(file, template, tuple(changes), diff, lint)


# --- words -------------------------------------------------------------------------------------


def _visible(line: str) -> str:
    """A diff or lint line made safe to print: controls as \\x escapes (a change to one stays
    visible), bidi overrides as the sanitiser's placeholder."""
    escaped = "".join(
        f"\\x{ord(c):02x}" if (ord(c) < 0x20 and c != "\t") or 0x7F <= ord(c) <= 0x9F else c for c in line
    )
    return sanitize(escaped)


def _indented(text: str) -> list[str]:
    return [f"    {_visible(line)}" for line in text.split("\n") if line]


def describe(plan: PushPlan) -> str:
    """What push would change (or did), one paragraph per template; "No change." when nothing."""
    out: list[str] = []
    for create in plan.creates:
        out.append(f"Create {label(create.file.name)} ({create.file.type}) from {_shown_file(create.file.file_name)}.")
        if create.note:
            out.append(f"  {create.note}")
        out += [f"  {_visible(note)}" for note in create.lint]
    for update in plan.updates:
        out.append(
            f"Update {label(update.remote.name)} from {_shown_file(update.file.file_name)}: {', '.join(update.changes)}."
        )
        out += _indented(update.diff)
        out += [f"  {_visible(note)}" for note in update.lint]
    if not plan.changes:
        out.insert(0, "No change.")
    for template in plan.remote_only:
        out.append(f"Only on Sakari; kept: {label(template.name)} ({template.id}).")
    out += [_visible(problem) for problem in plan.problems]
    if plan.changes:
        out.append(f"{len(plan.creates)} to create, {len(plan.updates)} to update, {len(plan.unchanged)} unchanged.")
    return "\n".join(out)
