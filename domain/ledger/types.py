"""Column types that keep the domain's promises on both databases.

:class:`AwareDateTime` stores instants in UTC and hands back Asia/Shanghai aware datetimes.
PostgreSQL's ``timestamptz`` keeps the instant; SQLite has no time zones, so the UTC value is
stored naive and re-labelled on the way out. A naive datetime is refused on the way in, as
everywhere in the domain.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from domain.clock import SHANGHAI, require_aware


class AwareDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        utc = require_aware(value).astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(SHANGHAI)


class EnumText(TypeDecorator[Any]):
    """A ``StrEnum`` stored as its value in a VARCHAR (no native enum types: adding a unit or an
    action kind must not need an ALTER TYPE on PostgreSQL)."""

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[Any], length: int = 32) -> None:
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.enum_class(value)
