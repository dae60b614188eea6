"""Shared pieces of the pydantic models: base config, bilingual errors, reusable field types."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo
from pydantic_core import PydanticCustomError

from domain.clock import SHANGHAI, now_in_shanghai
from domain.errors import DomainError
from domain.ids import validate_uscc

T = TypeVar("T")

# Clock skew tolerated between the reporting device and the server before "in the future".
FUTURE_TOLERANCE = timedelta(minutes=10)


class DomainModel(BaseModel):
    """Base of the domain models: unknown fields are rejected (typos in job variables show up)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False)


def bilingual(code: str, zh: str, en: str) -> PydanticCustomError:
    """A pydantic error whose type is our stable code and whose message is "zh / en"."""
    # Braces would be read as template placeholders by pydantic-core.
    message = f"{zh} / {en}".replace("{", "(").replace("}", ")")
    return PydanticCustomError(code, message)


def from_domain(error: DomainError) -> PydanticCustomError:
    return bilingual(error.code, error.zh, error.en)


def domain_checked(func: Callable[[T], T]) -> Callable[[T], T]:
    """Wrap a rule so a :class:`DomainError` becomes a clean bilingual pydantic error."""

    def wrapper(value: T) -> T:
        try:
            return func(value)
        except DomainError as error:
            raise from_domain(error) from None

    wrapper.__name__ = getattr(func, "__name__", "domain_checked")
    return wrapper


def _to_shanghai(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise bilingual(
            "datetime.naive",
            "时间必须带时区（如2026-12-01T09:00:00+08:00）",
            "the time must carry a time zone (e.g. 2026-12-01T09:00:00+08:00)",
        )
    return value.astimezone(SHANGHAI)


ShanghaiDatetime = Annotated[datetime, AfterValidator(_to_shanghai)]
"""An aware datetime, converted to Asia/Shanghai; naive input is rejected."""

_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalize_mobile(value: str) -> str:
    """Mainland mobile number: 11 digits starting 13-19; spaces, hyphens, +86/0086 allowed."""
    text = re.sub(r"[\s\-()]", "", value)
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == 11 + len(prefix):
            text = text[len(prefix) :]
            break
    if not _MOBILE.fullmatch(text):
        raise bilingual(
            "phone.mobile",
            "手机号码应为以13至19开头的11位数字",
            "a mobile number has 11 digits starting with 13-19",
        )
    return text


MobilePhone = Annotated[str, AfterValidator(normalize_mobile)]

# Any script's letters plus the middle dots of minority and transliterated names and spaces.
_NAME = re.compile(r"[^\W\d_]+(?:[·•.\- ][^\W\d_]+)*")


def normalize_person_name(value: str) -> str:
    text = re.sub(r"\s+", " ", value.strip()).replace("•", "·")
    if not text:
        raise bilingual("name.missing", "姓名不能为空", "the name must not be empty")
    if len(text) > 50:
        raise bilingual("name.length", "姓名不能超过50个字符", "a name has at most 50 characters")
    if not _NAME.fullmatch(text):
        raise bilingual(
            "name.characters",
            "姓名只能包含文字、间隔号“·”和空格",
            "a name may contain only letters, the middle dot '·' and spaces",
        )
    return text


PersonName = Annotated[str, AfterValidator(normalize_person_name)]
USCC = Annotated[str, AfterValidator(domain_checked(validate_uscc))]


def reference_now(info: ValidationInfo) -> datetime | None:
    """The "now" that bounds times: ``context={"now": dt}`` (simulated clocks, replays) or the
    wall clock; ``context={"now": None}`` turns the "not in the future" checks off."""
    context: Any = info.context
    if isinstance(context, dict) and "now" in context:
        now = context["now"]
        return None if now is None else _to_shanghai(now)
    return now_in_shanghai()


def not_in_future(value: datetime, info: ValidationInfo, what_zh: str, what_en: str) -> datetime:
    now = reference_now(info)
    if now is not None and value > now + FUTURE_TOLERANCE:
        raise bilingual(
            "datetime.future",
            f"{what_zh}不能晚于当前时间",
            f"{what_en} must not be in the future",
        )
    return value
