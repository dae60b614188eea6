"""Structured JSON logs of the engine process.

The engine handles process variables that carry personal data (names, ID numbers,
addresses), so it never logs variable *values*: a processor replaces any event field
named like a variables payload by the list of its keys, and the engine's own code logs
only keys, names and counts. Everything goes to stderr, one JSON object per line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

# Event fields that would carry variable values; their content is reduced to the names.
VALUE_FIELDS = frozenset({"variables", "variable_values", "payload", "value", "values"})

_configured = False


def drop_variable_values(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: keep variable names, never their values."""
    for key in list(event_dict):
        if key in VALUE_FIELDS:
            value = event_dict[key]
            event_dict[key] = sorted(map(str, value)) if isinstance(value, Mapping) else "<hidden>"
    return event_dict


def configure_logging(level: str = "INFO") -> None:
    """Configure structlog (JSON to stderr) and route the stdlib's loggers through it, once."""
    global _configured
    numeric_level = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    if _configured:
        logging.getLogger().setLevel(numeric_level)
        return
    _configured = True
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        drop_variable_values,
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    # uvicorn, grpc and the runtime's stdlib loggers: same JSON lines.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(ensure_ascii=False),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric_level)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
