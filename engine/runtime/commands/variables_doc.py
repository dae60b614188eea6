"""Client variable documents must be JSON objects (Zeebe: INVALID_ARGUMENT otherwise)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.api import EngineError, ErrorCode


def check_variables(variables: Any) -> dict[str, Any]:
    if variables is None:
        return {}
    if not isinstance(variables, Mapping):
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            f"Expected variables to be a JSON object, but was '{type(variables).__name__}'",
        )
    return dict(variables)
