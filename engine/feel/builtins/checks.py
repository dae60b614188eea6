"""Argument checks shared by the built-in families: each returns the value or raises
:class:`NoMatch` so that the caller gives null (or tries the next overload)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import NoMatch


def string(v: Any) -> str:
    if type(v) is not str:
        raise NoMatch
    return v


def number(v: Any) -> int | Decimal:
    t = type(v)
    if t is not int and t is not Decimal:
        raise NoMatch
    return v


def integer(v: Any) -> int:
    return int(number(v))


def lst(v: Any) -> list[Any]:
    if type(v) is not list:
        raise NoMatch
    return v


def boolean(v: Any) -> bool:
    if type(v) is not bool:
        raise NoMatch
    return v


def context(v: Any) -> dict[str, Any]:
    if type(v) is not dict:
        raise NoMatch
    return v
