"""The settings' tables as plain dataclasses, each value checked as a table is built.

Settings are read before the first frame, and pydantic (its import and the schemas it builds for
each model) cost more than half of what the first frame waits for beyond Textual (issue 17). The
settings need little of it: a handful of value kinds, bounds and a few checks of our own. So each
table is a dataclass declaring its keys with `setting(...)`, and building one (from keywords or from
a TOML table with `from_table`) checks every value and raises `InvalidSetting` at the first problem,
with the key's place and a sentence in pydantic's words (which the settings' messages quote).

Values are taken as TOML and the environment give them, with the lax conversions pydantic made:
a whole float for an int, a number written as a string, `"yes"`/`"no"` for a bool. A bool is never a
number here (pydantic took `true` as 1; a setting written so is a mistake).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from collections.abc import Callable
from typing import Any, Literal, Union

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "f", "false", "n", "no", "off"})


class InvalidSetting(ValueError):
    """A value a table cannot take: `location` its keys from the table being built (list
    positions as ints), `kind` what is wrong (pydantic's error types: `extra_forbidden`, `missing`,
    `float_parsing`…, or `value_error` for our own checks) and `message` one sentence without a
    full stop."""

    def __init__(self, location: tuple[str | int, ...], kind: str, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.kind = kind
        self.message = message

    def within(self, *outer: str | int) -> InvalidSetting:
        return InvalidSetting((*outer, *self.location), self.kind, self.message)

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.location)
        return f"{where}: {self.message}" if where else self.message


def setting(
    default: Any = dataclasses.MISSING,
    *,
    factory: Callable[[], Any] | None = None,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    before: Callable[[Any], Any] | None = None,
    after: Callable[[Any], Any] | None = None,
    secret: bool = False,
) -> Any:
    """One key of a table: its default (or `factory`), bounds for a number, checks run `before` the
    value's kind is checked and `after` it (each returns the value to keep, or raises ValueError),
    and `secret` to keep it out of the table's repr."""
    checks = {"ge": ge, "gt": gt, "le": le, "before": before, "after": after}
    if factory is not None:
        return dataclasses.field(default_factory=factory, repr=not secret, metadata=checks)
    return dataclasses.field(default=default, repr=not secret, metadata=checks)


class Table:
    """Base of every settings table (make each a `@dataclasses.dataclass`); `check` is the place
    for a rule across keys."""

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if value is field.default:  # defaults are not checked (as in pydantic): some checks load phonenumbers
                continue
            try:
                object.__setattr__(self, field.name, _checked(value, hints[field.name], field.metadata))
            except InvalidSetting as problem:
                raise problem.within(field.name) from None
        try:
            self.check()
        except InvalidSetting:
            raise
        except ValueError as problem:
            raise InvalidSetting((), "value_error", str(problem)) from None

    def check(self) -> None:
        """Raise ValueError when the keys do not fit together."""

    @classmethod
    def from_table(cls, table: object) -> typing.Self:
        """The table built from a TOML table (a dict): unknown keys and missing required ones refused."""
        if not isinstance(table, dict):
            raise InvalidSetting((), "dict_type", "Input should be a valid dictionary")
        names = {field.name: field for field in dataclasses.fields(cls) if field.init}  # type: ignore[arg-type]
        for key in table:
            if key not in names:
                raise InvalidSetting((str(key),), "extra_forbidden", "Extra inputs are not permitted")
        for name, field in names.items():
            required = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
            if required and name not in table:
                raise InvalidSetting((name,), "missing", "Field required")
        return cls(**table)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]


def is_required(field: dataclasses.Field) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def default_of(field: dataclasses.Field) -> Any:
    return field.default_factory() if field.default_factory is not dataclasses.MISSING else field.default


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _checked(value: Any, kind: Any, rules: typing.Mapping[str, Any]) -> Any:
    before, after = rules.get("before"), rules.get("after")
    try:
        if before is not None:
            value = before(value)
        value = _of_kind(value, kind)
        _within_bounds(value, rules)
        if after is not None:
            value = after(value)
    except InvalidSetting:
        raise
    except ValueError as problem:
        raise InvalidSetting((), "value_error", str(problem)) from None
    return value


def _of_kind(value: Any, kind: Any) -> Any:
    """`value` as `kind` (str, bool, int, float, a Literal, X | None, dict[str, X], list[X] or a Table)."""
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in arguments:
            return None
        (kind,) = [argument for argument in arguments if argument is not type(None)]
        return _of_kind(value, kind)
    if origin is Literal:
        if value in arguments and isinstance(value, str):
            return value
        choices = [repr(choice) for choice in arguments]
        listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
        raise InvalidSetting((), "literal_error", f"Input should be {listed}")
    if origin is dict:
        if not isinstance(value, dict):
            raise InvalidSetting((), "dict_type", "Input should be a valid dictionary")
        key_kind, value_kind = arguments
        out = {}
        for key, item in value.items():
            try:
                out[_of_kind(key, key_kind)] = _of_kind(item, value_kind)
            except InvalidSetting as problem:
                raise problem.within(str(key)) from None
        return out
    if origin is list:
        if not isinstance(value, list | tuple):
            raise InvalidSetting((), "list_type", "Input should be a valid list")
        (item_kind,) = arguments
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_of_kind(item, item_kind))
            except InvalidSetting as problem:
                raise problem.within(index) from None
        return items
    if isinstance(kind, type) and issubclass(kind, Table):
        return value if isinstance(value, kind) else kind.from_table(value)
    return _SCALARS[kind](value)


def _string(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise InvalidSetting((), "string_type", "Input should be a valid string")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, str):
        raise InvalidSetting((), "bool_parsing", "Input should be a valid boolean, unable to interpret input")
    raise InvalidSetting((), "bool_type", "Input should be a valid boolean")


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidSetting((), "int_type", "Input should be a valid integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise InvalidSetting(
            (), "int_from_float", "Input should be a valid integer, got a number with a fractional part"
        )
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise InvalidSetting(
                (), "int_parsing", "Input should be a valid integer, unable to parse string as an integer"
            ) from None
    raise InvalidSetting((), "int_type", "Input should be a valid integer")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise InvalidSetting((), "float_type", "Input should be a valid number")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise InvalidSetting(
                (), "float_parsing", "Input should be a valid number, unable to parse string as a number"
            ) from None
    else:
        raise InvalidSetting((), "float_type", "Input should be a valid number")
    if not math.isfinite(number):
        raise InvalidSetting((), "finite_number", "Input should be a finite number")
    return number


_SCALARS: dict[Any, Callable[[Any], Any]] = {str: _string, bool: _boolean, int: _integer, float: _number}


def _within_bounds(value: Any, rules: typing.Mapping[str, Any]) -> None:
    ge, gt, le = rules.get("ge"), rules.get("gt"), rules.get("le")
    if ge is not None and value < ge:
        raise InvalidSetting((), "greater_than_equal", f"Input should be greater than or equal to {ge:g}")
    if gt is not None and value <= gt:
        raise InvalidSetting((), "greater_than", f"Input should be greater than {gt:g}")
    if le is not None and value > le:
        raise InvalidSetting((), "less_than_equal", f"Input should be less than or equal to {le:g}")
