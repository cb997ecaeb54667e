"""Numbers set aside for fiction (the demo's UK customers) are accepted; other invalid ones are not."""

from __future__ import annotations


def test_ofcoms_drama_numbers_are_accepted_and_other_invalid_uk_numbers_are_not():
    import pytest

    from sakari_tui.sms.phones import InvalidNumber, to_e164

    assert to_e164("+44 7700 900123") == "+447700900123"
    assert to_e164("07700 900515", "GB") == "+447700900515"
    with pytest.raises(InvalidNumber):
        to_e164("+44 7700 9001234")
    with pytest.raises(InvalidNumber):
        to_e164("+44 1234")
