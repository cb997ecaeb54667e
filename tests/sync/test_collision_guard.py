"""The collision guard against the simulator: a colleague's reply landing at every point of the
send path, and who the thread says wrote what."""

from sakari_tui.api import SakariError
from sakari_tui.sms.authors import AuthorKind

from ..support.team import colleague_writes

MESSAGES = "GET /v1/accounts/{accountId}/messages"


async def open_conversation(engine):
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed)
    await engine.sync_thread(row.id)
    return row.id


async def test_a_reply_before_the_draft_started_holds_nothing(server, engine, sim_clock):
    cid = await open_conversation(engine)
    colleague_writes(server, cid)
    sim_clock.advance(1)
    await engine.sync_thread(cid)
    base = engine.draft_base(cid)  # the first keystroke: the colleague's text is on screen already
    check = await engine.check_collision(cid, base)
    assert not check.held and check.unchecked == ""


async def test_a_reply_while_writing_holds_and_names_the_colleague(server, engine, sim_clock):
    cid = await open_conversation(engine)
    base = engine.draft_base(cid)
    sim_clock.advance(5)
    landed = colleague_writes(server, cid)
    sim_clock.advance(1)
    await engine.sync_thread(cid)  # a poll brings it in while the reply is written
    check = await engine.check_collision(cid, base)
    assert check.held and [a.message_id for a in check.arrivals] == [landed.id]
    assert check.arrivals[0].author.label == "Alex · Hub"
    assert check.sentence(now=None).startswith("Alex replied just now while you were writing: Ctrl+S sends")


async def test_a_reply_between_the_last_poll_and_ctrl_s_still_holds(server, engine, sim_clock):
    cid = await open_conversation(engine)
    base = engine.draft_base(cid)
    await engine.sync_thread(cid)  # the last poll before the send: nothing new yet
    landed = colleague_writes(server, cid)  # lands after it, 0.3 s before Ctrl+S
    sim_clock.advance(0.3)
    server.state.reset_request_counts()
    check = await engine.check_collision(cid, base)
    assert check.held and check.arrivals[0].message_id == landed.id
    assert server.state.request_counts().get(MESSAGES) == 1  # one re-read, even right after a poll
    # What the re-read brought is in the store (the thread shows it highlighted).
    assert landed.id in {m.id for m in engine.store.inbox.thread(cid)}


async def test_after_the_post_our_reply_is_you_and_a_later_colleague_reply_is_theirs(server, engine, sim_clock):
    cid = await open_conversation(engine)
    base = engine.draft_base(cid)
    check = await engine.check_collision(cid, base)
    assert not check.held
    sent = await engine.reply(cid, "On it, one moment")
    sim_clock.advance(1)
    later = colleague_writes(server, cid, "Already sorted, thanks!")
    sim_clock.advance(1)
    await engine.sync_thread(cid)
    authors = engine.authors(engine.store.inbox.thread(cid))
    assert authors[sent.id].kind is AuthorKind.YOU
    assert authors[later.id].label == "Alex · Hub"
    # Our own text never holds the next reply; the colleague's does.
    again = await engine.check_collision(cid, base)
    assert [a.message_id for a in again.arrivals] == [later.id]


async def test_every_kind_not_ours_holds(server, engine, sim_clock):
    cid = await open_conversation(engine)
    row = next(r for r in engine.store.inbox.rows() if r.id == cid)
    for make, kind in [
        (lambda: server.state.inject_inbound(row.number, "Hello??", to=row.sender_number), AuthorKind.CUSTOMER),
        (lambda: colleague_writes(server, cid, "Auto", by={"source": "autoresponder"}), AuthorKind.AUTO_REPLY),
        (lambda: colleague_writes(server, cid, "Sale!", by={"source": "campaign"}), AuthorKind.CAMPAIGN),
        (lambda: colleague_writes(server, cid, "Hm", by=None), AuthorKind.ELSEWHERE),
    ]:
        await engine.sync_thread(cid)
        base = engine.draft_base(cid)
        sim_clock.advance(1)
        make()
        sim_clock.advance(1)
        check = await engine.check_collision(cid, base)
        assert check.held and check.arrivals[-1].author.kind is kind, kind


async def test_a_reread_that_fails_holds_nothing(server, engine, monkeypatch):
    cid = await open_conversation(engine)
    base = engine.draft_base(cid)
    colleague_writes(server, cid)

    async def offline(*args, **kwargs):
        raise SakariError("Cannot reach the Sakari API; check the network.")

    monkeypatch.setattr(engine.client, "fetch_all_messages", offline)
    check = await engine.check_collision(cid, base)
    assert not check.held and check.unchecked.startswith("Cannot reach")


async def test_a_lost_answer_of_ours_on_the_server_is_not_a_collision(server, engine, sim_clock):
    cid = await open_conversation(engine)
    base = engine.draft_base(cid)
    # Our earlier reply is on Sakari, but its answer was lost: it waits in the outbox, unknown.
    entry = engine.queue_reply(cid, "Your parcel left today")
    colleague_writes(server, cid, "Your parcel left today", by={"id": "api", "source": "api"})
    sim_clock.advance(1)
    check = await engine.check_collision(cid, base)
    assert not check.held
    engine.discard(entry.local_id)


async def test_the_list_says_you_only_for_what_this_machine_sent(server, engine, sim_clock):
    cid = await open_conversation(engine)
    sent = await engine.reply(cid, "Thanks!")
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if r.id == cid)
    assert row.last_author.kind is AuthorKind.YOU and row.last_author.prefix == "You: "
    assert engine.store.inbox.sent_here([sent.id]) == {sent.id}
    sim_clock.advance(1)
    colleague_writes(server, cid, "Following up on this one")
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if r.id == cid)
    assert row.last_outgoing and row.last_author.prefix == "Alex: "
    # Nothing outgoing in the demo's history was sent from here: none of it is "You".
    others = [r for r in engine.store.inbox.rows() if r.last_outgoing and r.id != cid]
    assert others and all(r.last_author.kind is not AuthorKind.YOU for r in others)
