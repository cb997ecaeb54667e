"""The key bindings as data: the README's key reference (a test keeps it equal), and the check of
the `[keys]` overrides in the settings file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, Keys, _character_to_key

from .app import SakariApp
from .inbox import InboxScreen
from .screens.confirm import ConfirmScreen, SendAnywayScreen
from .screens.edit_contact import EditContactScreen
from .screens.new_conversation import NewConversationScreen, SenderChoice
from .screens.search import SearchScreen
from .screens.template_picker import TemplatePickerScreen
from .screens.templates import TemplatesScreen
from .widgets.contact_panel import ContactPanel
from .widgets.conversation_list import ConversationList
from .widgets.thread_log import ThreadLog

AREAS = [
    ("anywhere in the inbox", InboxScreen),
    ("anywhere in the app", SakariApp),
    ("conversation list", ConversationList),
    ("thread", ThreadLog),
    ("new conversation dialog", NewConversationScreen),
    ("new conversation's From line", SenderChoice),
    ("template picker", TemplatePickerScreen),
    ("search", SearchScreen),
    ("contact panel", ContactPanel),
    ("edit contact dialog", EditContactScreen),
    ("templates manager", TemplatesScreen),
]

_KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Esc", "enter": "Enter"}


def _keys(binding: Binding) -> str:
    return ", ".join(f"`{_KEY_NAMES.get(key, key)}`" for key in binding.key.split(","))


def key_reference() -> str:
    lines = ["| where | keys | does | binding id |", "| --- | --- | --- | --- |"]
    for area, owner in AREAS:
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding):
                lines.append(f"| {area} | {_keys(binding)} | {binding.description} | `{binding.id}` |")
    return "\n".join(lines)


# --- [keys] overrides ---------------------------------------------------------------------------

# Where Textual applies a keymap: each of these has its own bindings (a key may mean one thing in
# the list and another in a dialog, but only one thing in each). The yes/no dialogs are not in
# the README's reference but their ids can be remapped all the same.
KEYMAP_OWNERS: tuple[type[DOMNode], ...] = (*(owner for _, owner in AREAS), ConfirmScreen, SendAnywayScreen)

# The modifiers Textual's key parser produces. It sorts them, so "shift+ctrl+x" is sorted here too:
# as written it would never match an event.
MODIFIERS = frozenset({"alt", "ctrl", "hyper", "meta", "shift", "super"})
# Named keys from Textual's Keys (f1, pagedown, tab…), without the modifiers and the internal
# pseudo-keys such as "<any>".
_NAMED_KEYS = frozenset(
    name for key in Keys if len(name := key.value.rpartition("+")[2]) > 1 and name.replace("_", "").isalnum()
)


def keymap_scopes(owners: Iterable[type[DOMNode]] = KEYMAP_OWNERS) -> list[list[Binding]]:
    """The bindings of each owner, inherited ones included, as Textual merges them for one node."""
    # Textual's own merge (private, but Textual is pinned to one version): App's ctrl+c, the
    # scroll keys of ScrollView…, minus what `inherit_bindings=False` drops.
    scopes = [[binding for _key, binding in owner._merged_bindings] for owner in owners]
    # The app's keys (q, ?) work on the inbox screen too: one scope, so a clash between them is found.
    if InboxScreen in owners and SakariApp in owners:
        app_scope = scopes[list(owners).index(SakariApp)]
        inbox = list(owners).index(InboxScreen)
        scopes[inbox] = app_scope + scopes[inbox]
    return scopes


def _is_character_name(name: str) -> bool:
    # A printable character's key name, as Textual spells it in key events ("question_mark",
    # "slash", "minus"); "hyphen_minus" is refused because the event says "minus".
    original = REPLACED_KEYS.get(name, name)
    try:
        character = unicodedata.lookup(KEY_TO_UNICODE_NAME.get(original, original.replace("_", " ").upper()))
    except KeyError:
        return False
    return character.isprintable() and _character_to_key(character) == name


def canonical_key(key: str) -> str | None:
    """`key` as Textual's key events spell it ("Ctrl+?" becomes "ctrl+question_mark"), or None if
    it names no key, so a binding to it could never fire."""
    key = key.strip()
    if len(key) == 1:
        return _character_to_key(key) if key.isprintable() and not key.isspace() else None
    *modifiers, base = key.split("+")
    modifiers = [modifier.lower() for modifier in modifiers]
    if not set(modifiers) <= MODIFIERS or len(set(modifiers)) != len(modifiers):
        return None
    if len(base) == 1:
        # With a modifier the event names the letter in lower case: "Ctrl+S" means ctrl+s.
        base = base.lower() if modifiers else base
        base = _character_to_key(base) if base.isprintable() and not base.isspace() else ""
    elif base.lower() in _NAMED_KEYS:
        base = base.lower()
    elif not _is_character_name(base):
        return None
    return "+".join([*sorted(modifiers), base]) if base else None


def _describe(binding: Binding) -> str:
    what = binding.description or binding.action.replace("_", " ")
    return f"{binding.id!r} ({what})" if binding.id else what


def checked_keymap(
    keymap: Mapping[str, str], *scopes: Iterable[BindingType], source: Path | str | None = None
) -> tuple[dict[str, str], list[str]]:
    """The `[keys]` overrides that can work (keys spelt as Textual needs them), and one sentence
    for each one that cannot: an unknown binding id, a key name that names no key, or a key that
    another binding of the same scope already has (by default or by an earlier override).

    Each of `scopes` is the bindings of one place (`keymap_scopes()`); `source` is the settings
    file, for the sentences. A refused override leaves its binding on its default keys.
    """
    where = f"{source}: [keys]" if source else "The [keys] table"
    bindings = [list(Binding.make_bindings(scope)) for scope in scopes]
    known = {binding.id for scope in bindings for binding in scope if binding.id}
    accepted: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in keymap.items():
        if binding_id not in known:
            problems.append(f"{where} {binding_id!r} is not a binding id; see the README's key table.")
            continue
        keys = [key.strip() for key in str(value).split(",")]
        bad = next((key for key in keys if canonical_key(key) is None), None)
        if bad is not None:
            shown = f"{bad!r} is not a key name" if bad else "an empty key name is not a key"
            problems.append(
                f"{where}: {binding_id} = {value!r}: {shown}; write keys like 'ctrl+s', 'f2', 'shift+tab', 'x' or '?'."
            )
            continue
        accepted[binding_id] = ",".join(dict.fromkeys(canonical_key(key) for key in keys))
    # A refused override gives its binding its default keys back, which may clash with an override
    # accepted earlier (e.g. a swap of two keys, half refused): check again until nothing clashes.
    while clash := _first_clash(accepted, bindings):
        binding_id, key, other = clash
        default = ", ".join(b.key for scope in bindings for b in scope if b.id == binding_id)
        problems.append(
            f"{where}: {binding_id} = {keymap[binding_id]!r}: {key} is already the key of {_describe(other)}; "
            f"choose another key ({binding_id} keeps {default})."
        )
        del accepted[binding_id]
    return accepted, problems


def _first_clash(accepted: Mapping[str, str], scopes: list[list[Binding]]) -> tuple[str, str, Binding] | None:
    """The first override (in keymap order) whose key another binding of its scope has, if any."""
    for scope in scopes:
        owners: dict[str, Binding] = {}
        for binding in scope:
            if binding.id not in accepted:
                owners.setdefault(binding.key, binding)
        for binding_id, keys in accepted.items():
            mine = next((binding for binding in scope if binding.id == binding_id), None)
            if mine is None:
                continue
            for key in keys.split(","):
                other = owners.setdefault(key, mine)
                if other.id != binding_id:
                    return binding_id, key, other
    return None
