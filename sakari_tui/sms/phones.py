"""Phone numbers: parse what a person typed into E.164, format numbers for display, say where they are from."""

from __future__ import annotations

import functools

# `phonenumbers` is imported where it is used: loading its metadata would delay the first frame.


class InvalidNumber(ValueError):
    """What the person typed is not a usable phone number; the message says why in one sentence."""


COUNTRY_CODE_EXAMPLE = "a two-letter ISO code such as 'US', 'GB' or 'DE'"


def country_code_problem(code: str) -> str | None:
    """Why `code` is not a country (ISO 3166 two-letter code) phone numbers can be read in, or None.

    One clause without a full stop, so that a settings message can place it after the key's name.
    """
    import phonenumbers

    if code.strip().upper() in phonenumbers.SUPPORTED_REGIONS:
        return None
    return f"{code.strip()!r} is not a country code; write {COUNTRY_CODE_EXAMPLE}"


def to_e164(text: str, default_country: str | None = None) -> str:
    """`text` as an E.164 number (+15551234567), reading national numbers in `default_country`."""
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    raw = text.strip()
    if not raw:
        raise InvalidNumber("Enter a phone number, e.g. +1 415 555 0100.")
    region = (default_country or "").strip().upper() or None
    if region is not None and not raw.startswith("+"):
        # Else phonenumbers only says the number cannot be read, which blames the wrong thing.
        if country_code_problem(region):
            raise InvalidNumber(
                f"{region!r} is not a country code, so the number needs its own: start it with + (e.g. +49 …), "
                f"or set default_country in the settings to {COUNTRY_CODE_EXAMPLE}."
            )
    try:
        number = phonenumbers.parse(raw, region)
    except NumberParseException:
        if not raw.startswith("+") and region is None:
            raise InvalidNumber(
                f"{raw!r} needs a country code (start with +) or a default country in the settings."
            ) from None
        raise InvalidNumber(f"{raw!r} is not a phone number.") from None
    formatted = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number) and not is_fictional(formatted):
        where = phonenumbers.region_code_for_country_code(number.country_code)
        where = None if where == "ZZ" else where
        hint = f" for {where}" if where else ""
        raise InvalidNumber(f"{raw!r} is not a valid phone number{hint}.")
    return formatted


# Ranges set aside for films and examples, which phonenumbers calls invalid: Ofcom's drama
# numbers 07700 900000–900999 (the demo's UK customers and its Sales number). Accepting them
# costs nothing: no carrier routes them, so a real account's send is refused by Sakari.
FICTIONAL_PREFIXES = ("+447700900",)


def is_fictional(e164: str) -> bool:
    """Whether `e164` is in a range reserved for fiction (see FICTIONAL_PREFIXES)."""
    return any(e164.startswith(prefix) and len(e164) == len(prefix) + 3 for prefix in FICTIONAL_PREFIXES)


@functools.lru_cache(maxsize=512)
def region_of(number: str) -> str | None:
    """The ISO country code of an E.164 number, or None if unknown.

    Remembered per number: the compose box prices a reply by it on every keystroke.
    """
    import phonenumbers
    from phonenumbers import NumberParseException

    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return None
    return phonenumbers.region_code_for_number(parsed)


def display_number(number: str | None) -> str:
    """A number in international format with spaces (+1 415-555-0100); unparseable ones unchanged."""
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, None if number.startswith("+") else "US")
    except NumberParseException:
        return number
    if not phonenumbers.is_possible_number(parsed):
        return number
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def region_label(number: str | None) -> str:
    """Where a number is from, e.g. 'United States (US) · San Francisco, CA' ('' when unknown)."""
    if not number:
        return ""
    import phonenumbers
    from phonenumbers import NumberParseException, geocoder

    try:
        parsed = phonenumbers.parse(number, None)  # E.164, as Sakari sends them (and as region_of reads them)
    except NumberParseException:
        return ""
    region = phonenumbers.region_code_for_number(parsed) or phonenumbers.region_code_for_country_code(
        parsed.country_code
    )
    if not region or region in ("ZZ", "001"):
        return ""
    country = geocoder.country_name_for_number(parsed, "en")
    if not country:
        try:  # numbers in test or fictional ranges are not "valid"; their country still is known
            country = geocoder._region_display_name(region, "en", None, None)
        except Exception:  # a private helper: a newer phonenumbers may have moved it
            country = ""
    label = f"{country} ({region})" if country else region
    place = geocoder.description_for_number(parsed, "en") if phonenumbers.is_valid_number(parsed) else ""
    if place and place != country:
        label += f" · {place}"
    return label
