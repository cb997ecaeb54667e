"""The close-undo window as data: add, undo the newest, what is due, and drain on quit."""

from sakari_tui.sync import PendingCloses


def test_a_close_waits_for_its_window_then_is_due_once():
    closes = PendingCloses(window_s=5)
    assert closes.add("a", now=100.0)
    assert "a" in closes and list(closes) == ["a"] and len(closes) == 1
    assert closes.due(now=104.9) == []
    assert closes.due(now=105.0) == ["a"]
    assert "a" not in closes and closes.due(now=200.0) == []


def test_closing_twice_inside_the_window_is_one_close():
    closes = PendingCloses(window_s=5)
    assert closes.add("a", now=100.0) and not closes.add("a", now=102.0)
    assert closes.due(now=105.0) == ["a"]  # the first close's deadline stands


def test_undo_takes_back_the_newest_close_still_waiting():
    closes = PendingCloses(window_s=5)
    closes.add("a", now=100.0)
    closes.add("b", now=101.0)
    closes.add("c", now=102.0)
    assert closes.take("c")  # sent meanwhile: it cannot be undone
    assert closes.undo() == "b" and closes.undo() == "a"
    assert closes.undo() is None and len(closes) == 0


def test_a_close_added_again_after_undo_is_the_newest():
    closes = PendingCloses(window_s=5)
    closes.add("a", now=100.0)
    closes.add("b", now=101.0)
    assert closes.undo() == "b"
    closes.add("b", now=102.0)
    closes.add("c", now=103.0)
    assert closes.take("c") and closes.undo() == "b"


def test_take_tells_whether_the_close_was_still_waiting():
    closes = PendingCloses(window_s=5)
    closes.add("a", now=100.0)
    closes.undo()
    assert not closes.take("a")  # undone before its timer fired: nothing to close
    closes.add("a", now=101.0)
    assert closes.take("a") and not closes.take("a")


def test_no_window_is_due_at_once():
    closes = PendingCloses(window_s=0)
    closes.add("a", now=100.0)
    assert closes.due(now=100.0) == ["a"]


def test_due_and_drain_come_oldest_first():
    closes = PendingCloses(window_s=5)
    for index, conversation_id in enumerate("abc"):
        closes.add(conversation_id, now=100.0 + index)
    assert closes.due(now=106.0) == ["a", "b"]
    closes.add("d", now=106.0)
    assert closes.drain() == ["c", "d"] and len(closes) == 0 and closes.undo() is None
