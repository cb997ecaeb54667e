"""The collision guard's decision (pure, no app): what arrived while the reply was written."""

from datetime import datetime, timezone

from sakari_tui.api.models import Message
from sakari_tui.sms.authors import message_author
from sakari_tui.sms.collision import CollisionCheck, DraftBase, check_arrivals

T0 = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)
ALEX = {"firstName": "Alex", "source": "hub"}


def msg(mid, seconds, *, outgoing=False, by=None, text="hi"):
    created = {"at": datetime.fromtimestamp(T0.timestamp() + seconds, timezone.utc).isoformat()}
    if by is not None:
        created["by"] = by
    return Message.model_validate({"id": mid, "outgoing": outgoing, "message": text, "created": created})


def decide(base, page, mine=()):
    return check_arrivals(
        base,
        page,
        ours=lambda m: m.id in mine,
        author=lambda m: message_author(m, sent_here=m.id in mine),
    )


def test_nothing_new_nothing_held():
    thread = [msg("a", 0), msg("b", 10)]
    check = decide(DraftBase.of(thread), thread)
    assert not check.held and check.sentence(now=None) == ""


def test_teammate_reply_after_the_base_holds_with_a_sentence():
    thread = [msg("a", 0), msg("b", 10)]
    base = DraftBase.of(thread)
    page = [*thread, msg("c", 20, outgoing=True, by=ALEX)]
    check = decide(base, page)
    assert check.held and [a.message_id for a in check.arrivals] == ["c"]
    now = T0.timestamp() + 60
    assert check.sentence(now=now) == (
        "Alex replied 40 s ago while you were writing: Ctrl+S sends yours anyway, Esc keeps editing."
    )
    assert check.base.ids == {"c"}  # shown now: the next send compares with this


def test_each_kind_that_is_not_ours_holds():
    base = DraftBase.of([msg("a", 0)])
    for new, start in [
        (msg("n", 5), "The customer wrote again"),
        (msg("n", 5, outgoing=True, by={"source": "autoresponder"}), "The auto-responder replied"),
        (msg("n", 5, outgoing=True, by={"source": "campaign"}), "A campaign text went out"),
        (msg("n", 5, outgoing=True), "A reply was sent from elsewhere"),
        (msg("n", 5, outgoing=True, by={"id": "api"}), "A teammate replied"),
    ]:
        check = decide(base, [msg("a", 0), new])
        assert check.held and check.sentence(now=None).startswith(start + " just now")


def test_our_own_messages_never_hold():
    base = DraftBase.of([msg("a", 0)])
    assert not decide(base, [msg("a", 0), msg("mine", 5, outgoing=True, by=ALEX)], mine={"mine"}).held


def test_same_timestamp_as_the_base_is_new_unless_it_was_known():
    base = DraftBase.of([msg("a", 10), msg("b", 10)])
    assert base.ids == {"a", "b"}
    assert not decide(base, [msg("a", 10), msg("b", 10)]).held
    assert decide(base, [msg("a", 10), msg("b", 10), msg("c", 10, outgoing=True, by=ALEX)]).held


def test_older_messages_the_cache_lacked_do_not_hold():
    base = DraftBase.of([msg("b", 10)])
    assert not decide(base, [msg("old", 1, outgoing=True, by=ALEX), msg("b", 10)]).held


def test_empty_thread_base_counts_everything_not_ours():
    check = decide(DraftBase.of([]), [msg("x", 0)])
    assert check.held


def test_several_arrivals_lead_with_the_teammate_and_count_the_rest():
    base = DraftBase.of([msg("a", 0)])
    page = [msg("a", 0), msg("c1", 5), msg("t", 8, outgoing=True, by=ALEX), msg("c2", 9)]
    sentence = decide(base, page).sentence(now=T0.timestamp() + 68, send_key="Alt+S")
    assert sentence == (
        "Alex replied 60 s ago while you were writing (and 2 more new messages): "
        "Alt+S sends yours anyway, Esc keeps editing."
    )


def test_no_base_holds_nothing_and_an_unchecked_read_is_not_a_hold():
    assert not decide(None, [msg("x", 0)]).held
    assert not CollisionCheck(unchecked="offline").held


def test_base_round_trips_and_junk_reads_as_none():
    base = DraftBase.of([msg("a", 3), msg("b", 3)])
    assert DraftBase.from_json(base.to_json()) == base
    assert DraftBase.from_json("{") is None and DraftBase.from_json(None) is None and DraftBase.from_json("[]") is None


def test_clock_ahead_of_the_server_says_just_now():
    base = DraftBase.of([msg("a", 0)])
    check = decide(base, [msg("a", 0), msg("t", 30, outgoing=True, by=ALEX)])
    assert "just now" in check.sentence(now=T0.timestamp() + 10)  # a server clock behind its own stamps
