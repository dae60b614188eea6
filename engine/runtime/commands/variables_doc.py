"""Client variable documents must be JSON objects (Zeebe: INVALID_ARGUMENT otherwise).

The gateway hands over documents it parsed from JSON, but the API is also called in-process; a
value that cannot be stored as JSON (a ``datetime``, a set...) would otherwise only fail when the
batch is written, taking the other commands of the batch down with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from engine.api import EngineError, ErrorCode

_CHECK = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def check_variables(variables: Any) -> dict[str, Any]:
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            f"Expected variables to be a JSON object, but was '{type(variables).__name__}'",
        )
    doc = dict(variables)
    try:
        _CHECK(doc)
    except (TypeError, ValueError) as exc:
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT, f"Expected variables to be a JSON object: {exc}"
        ) from exc
    if any(not isinstance(k, str) for k in doc):
        raise EngineError(ErrorCode.INVALID_ARGUMENT, "Expected variable names to be strings")
    return doc
