"""Structured logging for the service side (API, workers, CLI), configured once.

Logs leave the machine (journald, log shippers), so personal data never reaches them:
citizen ID numbers, phone numbers and names are masked by a processor that runs on
every event before rendering, whatever the caller passed.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# Keys whose values are personal names, whatever their content.
NAME_KEYS = frozenset(
    {"name", "deceased_name", "reporter_name", "contact_name", "family_name", "full_name"}
)

# Keys whose values are identity-document numbers of any kind (passports and permits do not
# match the citizen-ID pattern, so they are masked by key).
ID_KEYS = frozenset({"id_number", "citizen_id", "passport_number", "other_id_number"})

_configured = False


def mask_text(text: str) -> str:
    """Mask citizen ID numbers (keep region and last 4) and mobile numbers (keep 3 + 4)."""
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_name(name: str) -> str:
    """Keep the family name only: 张三丰 → 张**."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def mask_id_number(number: str) -> str:
    """Keep the last 4 characters of any ID number: E12345678 → *****5678."""
    return "*" * max(len(number) - 4, 1) + number[-4:] if len(number) > 4 else "*" * len(number)


def _mask_value(key: str, value: Any) -> Any:
    if isinstance(value, str):
        if key in NAME_KEYS:
            return mask_name(value)
        if key in ID_KEYS:
            return mask_id_number(value)
        return mask_text(value)
    if isinstance(value, Mapping):
        return {k: _mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_value(key, v) for v in value]
    return value


def mask_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: masks every value of the event, nested ones included."""
    for key in list(event_dict):
        event_dict[key] = _mask_value(key, event_dict[key])
    return event_dict


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    """Configure structlog and the stdlib root logger once per process."""
    global _configured
    if _configured:
        return
    _configured = True
    numeric_level = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=numeric_level, format="%(message)s")
    # httpx logs every request URL at INFO through stdlib logging, past the masking
    # processor; URLs carry family link tokens, so only its warnings get through.
    logging.getLogger("httpx").setLevel(max(numeric_level, logging.WARNING))
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
