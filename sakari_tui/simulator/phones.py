"""Phone number normalisation to E.164, deliberately simple (no `phonenumbers` dependency).

Accepted: `+` followed by 8-15 digits; `00` international prefix; or a national number with a
country hint (or the account's default country) from the table below, where the national trunk
prefix is dropped. Separators (spaces, dashes, dots, parentheses, slashes) are ignored. Anything
else is an invalid number (CONT-001). Per-country numbering plans are not checked: the spec's own
example `123-456-7890` (US) must be accepted.
"""

from __future__ import annotations

import re

# ISO 3166 alpha-2 -> country calling code. The first country listed for a shared code (+1, +7)
# is the one reported for numbers given in international form.
CALLING_CODES: dict[str, str] = {
    "US": "1",
    "CA": "1",
    "RU": "7",
    "EG": "20",
    "ZA": "27",
    "GR": "30",
    "NL": "31",
    "BE": "32",
    "FR": "33",
    "ES": "34",
    "HU": "36",
    "IT": "39",
    "RO": "40",
    "CH": "41",
    "AT": "43",
    "GB": "44",
    "DK": "45",
    "SE": "46",
    "NO": "47",
    "PL": "48",
    "DE": "49",
    "MX": "52",
    "AR": "54",
    "BR": "55",
    "CL": "56",
    "CO": "57",
    "MY": "60",
    "AU": "61",
    "ID": "62",
    "PH": "63",
    "NZ": "64",
    "SG": "65",
    "TH": "66",
    "JP": "81",
    "KR": "82",
    "VN": "84",
    "CN": "86",
    "TR": "90",
    "IN": "91",
    "PK": "92",
    "NG": "234",
    "KE": "254",
    "PT": "351",
    "IE": "353",
    "FI": "358",
    "UA": "380",
    "HK": "852",
    "AE": "971",
    "IL": "972",
    "SA": "966",
}

# Countries whose national trunk prefix is not "0"; NANP numbers are handled separately.
_TRUNK_PREFIX: dict[str, str] = {"RU": "8", "HU": "06"}
# Italian numbers keep their leading 0 after the country code.
_KEEP_LEADING_ZERO = frozenset({"IT"})
_NANP = frozenset({"US", "CA"})

_SEPARATORS = re.compile(r"[\s\-.()/]")
_CODE_TO_COUNTRY: dict[str, str] = {}
for _country, _code in CALLING_CODES.items():
    _CODE_TO_COUNTRY.setdefault(_code, _country)


class InvalidNumber(ValueError):
    """The text cannot be read as a phone number."""


def country_of(e164: str) -> str | None:
    """ISO country of an E.164 number by its calling code (+1 reads as US), or None."""
    digits = e164.lstrip("+")
    for length in (3, 2, 1):
        country = _CODE_TO_COUNTRY.get(digits[:length])
        if country:
            return country
    return None


def _check_international(digits: str) -> str:
    if not digits.isdigit() or not 8 <= len(digits) <= 15 or digits[0] == "0":
        raise InvalidNumber("an international number has 8 to 15 digits after the +")
    return "+" + digits


def normalise(number: str, country: str | None = None, default_country: str = "US") -> tuple[str, str]:
    """Return (E.164 number, ISO country) for `number`, or raise InvalidNumber."""
    if not isinstance(number, str) or not number.strip():
        raise InvalidNumber("no number given")
    compact = _SEPARATORS.sub("", number.strip())
    hint = country.upper() if isinstance(country, str) and country.strip() else None
    if compact.startswith("+"):
        e164 = _check_international(compact[1:])
    elif compact.startswith("00"):
        e164 = _check_international(compact[2:])
    else:
        e164 = _national_to_e164(compact, hint or default_country.upper())
    found = country_of(e164)
    if hint and CALLING_CODES.get(hint) and e164[1:].startswith(CALLING_CODES[hint]):
        found = hint
    return e164, found or (hint or "")


def _national_to_e164(digits: str, country: str) -> str:
    if not digits.isdigit():
        raise InvalidNumber("a phone number may only contain digits and separators")
    code = CALLING_CODES.get(country)
    if code is None:
        raise InvalidNumber(f"unknown country {country!r} for a national number")
    if country in _NANP:
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            raise InvalidNumber("a North American number has 10 digits")
        return "+1" + digits
    if country not in _KEEP_LEADING_ZERO:
        trunk = _TRUNK_PREFIX.get(country, "0")
        if digits.startswith(trunk):
            digits = digits[len(trunk) :]
    if len(digits) < 6:
        raise InvalidNumber("too few digits for a national number")
    return _check_international(code + digits)
