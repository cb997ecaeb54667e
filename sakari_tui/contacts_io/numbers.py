"""A contact file's phone numbers read as E.164, with a sentence for each one that cannot be.

Built on `sms.phones.to_e164` (the compose box's reader). One difference: a number of a possible
length that phonenumbers does not list as in use (Ofcom's 07700 900xxx kept for fiction, a new
range) is imported with a warning, not refused: Sakari holds such numbers (the demo does), and an
export of them must read back in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sms.phones import InvalidNumber, country_code_problem, display_number, is_fictional, region_of, to_e164
from ..text import one_line


@dataclass(frozen=True)
class ReadNumber:
    """A number read from a file: E.164, and a warning when it is possible but not known to be in use."""

    e164: str
    country: str
    """The number's country (ISO code), as the upload's `country` column gives it."""
    warning: str | None = None


def quoted(value: str, limit: int = 40) -> str:
    """A cell's text for a message: sanitised, on one line, shortened, in single quotes."""
    return f"'{one_line(value, limit)}'"


def valid_region(code: str | None) -> str | None:
    """`code` upper-cased if it is a country phone numbers can be read in, else None."""
    if not code or not code.strip() or country_code_problem(code):
        return None
    return code.strip().upper()


def read_number(written: str, region: str | None, where: str) -> ReadNumber:
    """`written` as E.164, reading a national number in `region` (`where` says where that came
    from, e.g. 'the default country'); InvalidNumber with one clause (no line, no full stop) if not."""
    text = written.strip()
    international = text.startswith(("+", "00"))
    if text.startswith("00"):  # the international prefix of most of the world (not of the US)
        text = "+" + text[2:]
    try:
        e164 = to_e164(text, region)
    except InvalidNumber:
        pass
    else:
        if is_fictional(e164):  # accepted for the demo, but in a real file most likely a slip
            return ReadNumber(
                e164,
                "GB",
                f"{display_number(e164)} is a number set aside for fiction (Ofcom's "
                "drama range), not one known to be in use in GB; it is imported as written",
            )
        return ReadNumber(e164, region_of(e164) or "")
    import phonenumbers

    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        # An unlisted number has no region of its own: the row's (or default) country if its calling
        # code fits (+1 is CA as well as US), else the main country of the calling code.
        if region and phonenumbers.country_code_for_region(region) == parsed.country_code:
            country = region
        else:
            country = phonenumbers.region_code_for_country_code(parsed.country_code)
        country = "" if country in ("ZZ", "001") else country
        in_country = f" in {country}" if country else ""
        return ReadNumber(
            e164,
            country,
            f"{display_number(e164)} is not a number known to be in use{in_country}; it is imported as written",
        )
    if international:
        raise InvalidNumber(f"{quoted(written)} is not a phone number")
    if region is None:
        raise InvalidNumber(f"{quoted(written)} has no country code; start it with + or give the row a country")
    raise InvalidNumber(f"{quoted(written)} is not a phone number in {region} ({where})")
