"""Templates as files: the format round trip, bad files, the lint, and the push plan."""

import re

import pytest

from sakari_tui.api.models import Template
from sakari_tui.sms.segments import MAX_SEGMENTS
from sakari_tui.sms.template_files import (
    TemplateFile,
    file_name_for,
    is_template_file_name,
    parse_template_file,
    render_file,
    render_template_file,
    slugify,
)
from sakari_tui.sms.template_lint import CONTACT_VARIABLES, lint_template, template_refusal, worst_case_segments
from sakari_tui.sms.template_plan import describe, plan_push, text_diff
from tests.support.hostile import HOSTILE, SCREEN_FORBIDDEN

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

BODIES = [
    "Hi {{ firstName }}, your order is ready.",
    "ends with a newline\n",
    "ends with two\n\n",
    "\nstarts with one",
    "windows\r\nline ends\r\n",
    "a lone\rCR",
    "---\nlooks like a fence\n---",
    "name: not front matter",
    "  leading and trailing blanks  ",
    *HOSTILE.values(),
]


def template(name="Order ready", body="Hi {{ firstName }}", kind="SMS", template_id="tpl-1"):
    return Template(id=template_id, name=name, template=body, type=kind)


# --- the format --------------------------------------------------------------------------------


def test_a_template_renders_as_front_matter_and_its_text():
    name, content = render_template_file(template(body="Hi {{ firstName }}, your order is ready."))
    assert name == "order-ready.txt"
    assert content == ("---\nname: Order ready\ntype: SMS\nid: tpl-1\n---\nHi {{ firstName }}, your order is ready.\n")


@pytest.mark.parametrize("body", [b for b in BODIES if b.strip()])
def test_every_body_comes_back_exactly(body):
    name, content = render_template_file(template(body=body))
    parsed = parse_template_file(name, content)
    assert parsed.body == body
    assert (parsed.name, parsed.type, parsed.id) == ("Order ready", "SMS", "tpl-1")


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_names_become_safe_slugs_and_come_back_exactly(key):
    hostile = HOSTILE[key]
    name, content = render_template_file(template(name=hostile, body="Hi"))
    assert is_template_file_name(name) and SLUG.fullmatch(name.removesuffix(".txt"))
    assert len(name) <= 64
    # The front matter itself is harmless to `cat`: no control, bidi override or separator in it.
    front = content.split("\n---\n", 1)[0]
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", front)
    assert parse_template_file(name, content).name == hostile  # a blank one too: the file has its id


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Order ready", "order-ready"),
        ("Café  Crème!!", "cafe-creme"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("C:\\Windows\\x", "c-windows-x"),
        ("😊😊", "template"),
        ("", "template"),
        (None, "template"),
        ("CON", "con-template"),
        ("x" * 300, "x" * 60),
    ],
)
def test_slugs(name, slug):
    assert slugify(name) == slug


def test_colliding_names_get_numbers_without_regard_to_case():
    assert file_name_for("Welcome", ["Welcome.txt"]) == "welcome-2.txt"
    assert file_name_for("welcome!", ["welcome.txt", "welcome-2.txt"]) == "welcome-3.txt"


def test_an_editor_that_drops_the_last_newline_loses_nothing():
    assert parse_template_file("a.txt", "---\nname: A\n---\nHi").body == "Hi"


def test_a_crlf_file_reads_with_lf_line_ends():
    content = "---\r\nname: A\r\ntype: sms\r\n---\r\nline one\r\nline two\r\n"
    parsed = parse_template_file("a.txt", content)
    assert (parsed.name, parsed.type, parsed.body, parsed.id) == ("A", "SMS", "line one\nline two", None)


def test_quoted_values_and_blank_lines_in_the_front_matter():
    parsed = parse_template_file("a.txt", '---\n\nname: " spaced "\ntype: Web\n---\nHi')
    assert (parsed.name, parsed.type) == (" spaced ", "Web")
    assert render_file(parsed).startswith('---\nname: " spaced "\ntype: Web\n---\n')


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        ("name: A\n---\nHi", "a.txt line 1: a template file starts with a line '---'"),
        ("---\nname: A\n", "a.txt: the front matter opened on line 1 is never closed"),
        ("---\nname A\n---\nHi", "a.txt line 2: expected 'key: value'"),
        ("---\nname: A\ncolour: red\n---\nHi", "a.txt line 3: unknown key 'colour'"),
        ("---\nname: A\nname: B\n---\nHi", "a.txt line 3: 'name' is given twice"),
        ("---\ntype: SMS\n---\nHi", "a.txt: the front matter has no 'name:' line"),
        ("---\nname:   \n---\nHi", "a.txt line 2: the name is empty"),
        ("---\nname: A\ntype: MMS\n---\nHi", "a.txt line 3: unknown type 'MMS' (expected SMS or Web)"),
        ("---\nname: A\n---\n  \n", "a.txt: the template's text below the front matter is empty"),
        ("---\nname: A\nid: ../x\n---\nHi", "a.txt line 3: the id must be"),
        ('---\nname: "A\n---\nHi', "a.txt line 2: a value that starts with a double quote"),
    ],
)
def test_a_bad_file_is_one_sentence_naming_file_and_line(content, sentence):
    with pytest.raises(ValueError) as raised:
        parse_template_file("a.txt", content)
    message = str(raised.value)
    assert message.startswith(sentence)
    assert message.endswith(".") and "\n" not in message and message.count(". ") == 0


# --- the lint ----------------------------------------------------------------------------------


def test_lint_names_a_variable_no_contact_fills():
    notes = lint_template("Hi {{ firstName }}, order {{ orderNumber }} ({{contact.lastName}})")
    assert notes[0] == "No contact field fills {{ orderNumber }}: it would be sent empty or as written."
    assert not any("firstName }}:" in note or "lastName }}:" in note for note in notes)


def test_custom_attributes_are_known_when_given():
    known = (*CONTACT_VARIABLES, "orderNumber")
    notes = lint_template("#{{ orderNumber }} {{ attributes.orderNumber }}", known_variables=known)
    assert not any(note.startswith("No contact field") for note in notes)


def test_lint_names_the_characters_forcing_ucs2():
    notes = lint_template("Thanks {{ firstName }}! Happy to help 😊 “quoted”")
    encoding = next(note for note in notes if note.startswith("UCS-2"))
    assert "“😊”" in encoding and "““”" in encoding and "1 segment with the placeholders empty" in encoding


def test_lint_says_gsm7_and_the_segments_as_written():
    assert lint_template("Plain € text") == ["GSM-7, 1 segment (13 characters)."]


def test_lint_counts_the_worst_case_with_long_names_filled_in():
    body = "x" * 130 + " {{ firstName }} {{ lastName }}"  # 132 with the placeholders empty, 177 filled
    notes = lint_template(body)
    assert "GSM-7, 1 segment with the placeholders empty (132 characters)." in notes
    assert any(
        note
        == "Worst case 2 segments (firstName 20 characters, lastName 25, mobile and phone 16, others 30, all GSM-7)."
        for note in notes
    )
    assert worst_case_segments(body) == 2


def test_a_template_too_long_in_the_worst_case_is_refused():
    body = "y" * (153 * MAX_SEGMENTS - 10) + "{{ firstName }}"
    assert worst_case_segments(body) == MAX_SEGMENTS + 1
    refusal = template_refusal(body)
    assert refusal == f"Too long: {MAX_SEGMENTS + 1} segments in the worst case, over Sakari's limit of {MAX_SEGMENTS}."
    assert lint_template(body)[-1] == refusal
    assert template_refusal("short {{ firstName }}") is None


@pytest.mark.parametrize(
    ("body", "sentence"),
    [
        ("Hi {{ firstName", "Line 1: an opening “{{” is never closed."),
        ("Hi\nfirstName }}", "Line 2: a closing “}}” has no opening “{{”."),
        ("{{#if vip}}VIP{{/if}}", "Line 1: “{{#if vip}}” is not a placeholder the inbox can fill"),
        ("Hi {{{firstName}}", "Line 1: “{{firstName}}” mixes two and three braces"),
    ],
)
def test_lint_finds_unbalanced_braces(body, sentence):
    assert any(note.startswith(sentence) for note in lint_template(body))


def test_single_braces_and_good_placeholders_are_not_brace_problems():
    notes = lint_template("{0} {name} {{ firstName }} {{{lastName}}} {{contact.email}}")
    assert not any(note.startswith("Line") for note in notes)


def test_lint_quotes_a_control_character_visibly():
    notes = lint_template("bell\x07 {{ firstName }}")
    assert any("\\x07" in note for note in notes)
    assert not any(SCREEN_FORBIDDEN.search(note) for note in notes)


# --- the plan ----------------------------------------------------------------------------------


def as_local(remote, file_name=None, **changes):
    fields = {"name": remote.name, "type": remote.type or "SMS", "body": remote.template, "id": remote.id}
    fields.update(changes)
    return TemplateFile(file_name or f"{slugify(remote.name)}.txt", **fields)


def test_files_matching_sakari_plan_no_change():
    remote = [template(), template("Thanks", "Thanks {{ firstName }}", template_id="tpl-2")]
    plan = plan_push([as_local(t) for t in remote], remote)
    assert not plan.changes and len(plan.unchanged) == 2
    assert describe(plan) == "No change."


def test_an_edit_is_an_update_with_a_diff_and_a_renamed_name():
    remote = template(body="Hi {{ firstName }},\nyour order is ready.")
    local = as_local(remote, name="Order ready!", body="Hi {{ firstName }},\nyour order is ready to collect.")
    plan = plan_push([local], [remote])
    (update,) = plan.updates
    assert update.changes == ("name “Order ready” → “Order ready!”", "text")
    assert update.diff.splitlines() == [
        "--- sakari/order-ready.txt",
        "+++ order-ready.txt",
        "@@ -1,2 +1,2 @@",
        " Hi {{ firstName }},",
        "-your order is ready.",
        "+your order is ready to collect.",
    ]
    text = describe(plan)
    assert text.startswith("Update “Order ready” from order-ready.txt: name “Order ready” → “Order ready!”, text.\n")
    assert "    -your order is ready." in text and text.endswith("0 to create, 1 to update, 0 unchanged.")


def test_a_type_change_is_an_update_without_a_diff():
    remote = template()
    (update,) = plan_push([as_local(remote, type="Web")], [remote]).updates
    assert update.changes == ("type SMS → Web",) and update.diff == ""


def test_a_trailing_newline_difference_shows_in_the_diff():
    diff = text_diff("Hi", "Hi\n", "a.txt")
    assert "\\ No newline at end of file" in diff and "+Hi" in diff


def test_a_file_without_id_creates_and_a_template_without_file_is_kept():
    remote = [template(), template("Old", "old", template_id="tpl-9")]
    new = TemplateFile("promo.txt", "Spring promo", "SMS", "Spring sale {{ firstName }}! 🌸")
    plan = plan_push([as_local(remote[0]), new], remote)
    assert [c.file for c in plan.creates] == [new]
    assert [t.id for t in plan.remote_only] == ["tpl-9"]
    text = describe(plan)
    assert text.splitlines()[0] == "Create “Spring promo” (SMS) from promo.txt."
    assert "  UCS-2 because of “🌸”, 1 segment with the placeholders empty" in text
    assert "Only on Sakari; kept: “Old” (tpl-9)." in text
    assert text.endswith("1 to create, 0 to update, 1 unchanged.")


def test_only_a_kept_template_is_still_no_change():
    remote = [template(template_id="tpl-9")]
    text = describe(plan_push([], remote))
    assert text == "No change.\nOnly on Sakari; kept: “Order ready” (tpl-9)."


def test_a_new_file_named_like_a_template_at_sakari_is_noted():
    remote = [template()]
    plan = plan_push([as_local(remote[0]), TemplateFile("x.txt", "order READY", "SMS", "again")], remote)
    assert plan.creates[0].note == "Sakari already has a template named “order READY” (tpl-1); push makes another."


def test_files_push_cannot_take_are_problems_and_the_others_go_on():
    remote = [template(), template("B", "b", template_id="tpl-2")]
    long_text = "z" * (153 * MAX_SEGMENTS + 1)
    local = [
        as_local(remote[0], body="changed"),
        as_local(remote[1], "b.txt"),
        as_local(remote[1], "b-copy.txt"),
        TemplateFile("gone.txt", "Gone", "SMS", "x", "tpl-404"),
        TemplateFile("long.txt", "Long", "SMS", long_text),
    ]
    plan = plan_push(local, remote, problems=["bad.txt line 1: a template file starts with a line '---'."])
    assert [u.file.file_name for u in plan.updates] == ["order-ready.txt"]
    assert plan.problems == (
        "bad.txt line 1: a template file starts with a line '---'.",
        "b-copy.txt has the id tpl-2, as another file does; give each template one file.",
        "b.txt has the id tpl-2, as another file does; give each template one file.",
        "gone.txt names template tpl-404, which Sakari does not have; remove its 'id:' line to create it again.",
        f"long.txt is not pushed: Too long: {MAX_SEGMENTS + 1} segments in the worst case, "
        f"over Sakari's limit of {MAX_SEGMENTS}.",
    )
    assert all(problem in describe(plan) for problem in plan.problems)


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_describe_is_safe_to_print_for_hostile_names_and_bodies(key):
    hostile = HOSTILE[key]
    remote = template(name=hostile, body=hostile if hostile.strip() else "x")
    local = as_local(remote, "a.txt", name=hostile + "!", body=f"{hostile} edited")
    text = describe(plan_push([local, TemplateFile("b.txt", hostile or "n", "SMS", f"new {hostile}")], [remote]))
    assert not SCREEN_FORBIDDEN.search(text.replace("\n", "").replace("\t", ""))
