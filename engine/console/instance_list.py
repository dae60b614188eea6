"""The instance list: Operate's filters over the ``process_instance`` read-model table.

Filters (all optional, combined with AND): process id and version, states (``active``,
``incident``, ``completed``, ``canceled``; several = any of them), start and end date ranges,
a variable ``name = value``, the instance key, the parent instance key. Sorted by one column,
paged by offset. Every filter has an index behind it (``engine/store/schema.py``), so a page
over 100,000 instances answers in milliseconds (``bench/console_bench.py``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from engine.query.read_model import ReadModel

MAX_LIMIT = 200
SORTS = {
    "start": "pi.start_date",
    "end": "pi.end_date",
    "key": "pi.key",
    "process": "pi.bpmn_process_id",
}
STATE_CONDITIONS = {
    "active": "(pi.state = 'ACTIVE' AND pi.has_incident = 0)",
    "incident": "pi.has_incident = 1",
    "completed": "pi.state = 'COMPLETED'",
    "canceled": "pi.state = 'TERMINATED'",
}
_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class FilterError(ValueError):
    """A filter value the list cannot use; the message names the parameter."""


@dataclass
class InstanceFilter:
    process: str | None = None
    version: int | None = None
    states: Sequence[str] = ()
    started_from: int | None = None
    started_to: int | None = None
    ended_from: int | None = None
    ended_to: int | None = None
    variable_name: str | None = None
    variable_value: str | None = None
    key: int | None = None
    parent: int | None = None
    sort: str = "start"
    descending: bool = True
    offset: int = 0
    limit: int = 50
    _params: list[Any] = field(default_factory=list, repr=False)


def epoch_ms(text: str, name: str) -> int:
    """``2026-11-29`` or ``2026-11-29T10:00`` (UTC unless an offset is given) → epoch ms."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise FilterError(f"{name}: {text!r} is not a date or date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def _int(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise FilterError(f"{name}: {text!r} is not a number") from None


def parse_filter(query: Mapping[str, str], states: Sequence[str]) -> InstanceFilter:
    """The list's query string → a filter; FilterError for values it cannot use."""
    f = InstanceFilter()
    text = {k: v.strip() for k, v in query.items() if v is not None and v.strip()}
    f.process = text.get("process")
    if "version" in text:
        f.version = _int(text["version"], "version")
    unknown = [s for s in states if s not in STATE_CONDITIONS]
    if unknown:
        raise FilterError(f"state: unknown {unknown}; use {', '.join(STATE_CONDITIONS)}")
    f.states = list(dict.fromkeys(states))
    for name in ("started_from", "started_to", "ended_from", "ended_to"):
        if name in text:
            value = epoch_ms(text[name], name)
            if name.endswith("_to") and len(text[name]) == 10:
                value += 86_400_000  # a bare date "to" includes that whole day
            setattr(f, name, value)
    f.variable_name = text.get("var_name")
    f.variable_value = query.get("var_value") if f.variable_name else None
    if "key" in text:
        f.key = _int(text["key"], "key")
    if "parent" in text:
        f.parent = _int(text["parent"], "parent")
    f.sort = text.get("sort", "start")
    if f.sort not in SORTS:
        raise FilterError(f"sort: use one of {', '.join(SORTS)}")
    f.descending = text.get("order", "desc").lower() != "asc"
    f.offset = max(_int(text.get("offset", "0"), "offset"), 0)
    f.limit = min(max(_int(text.get("limit", "50"), "limit"), 1), MAX_LIMIT)
    return f


def stored_json(value_text: str) -> str:
    """What a typed value looks like in ``variable.value``: JSON if it parses, else a string.

    ``42`` finds the number 42, ``"42"`` the string; ``张三`` (not JSON) the string 张三.
    """
    try:
        return _DUMPS(json.loads(value_text))
    except ValueError:
        return _DUMPS(value_text)


def where_clause(f: InstanceFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.process:
        clauses.append("pi.bpmn_process_id = ?")
        params.append(f.process)
    if f.version is not None:
        clauses.append("pi.version = ?")
        params.append(f.version)
    if f.states:
        clauses.append("(" + " OR ".join(STATE_CONDITIONS[s] for s in f.states) + ")")
    for value, sql in (
        (f.started_from, "pi.start_date >= ?"),
        (f.started_to, "pi.start_date < ?"),
        (f.ended_from, "pi.end_date >= ?"),
        (f.ended_to, "pi.end_date < ?"),
        (f.key, "pi.key = ?"),
        (f.parent, "pi.parent_process_instance_key = ?"),
    ):
        if value is not None:
            clauses.append(sql)
            params.append(value)
    if f.variable_name:
        if f.variable_value is None or not f.variable_value.strip():
            clauses.append("pi.key IN (SELECT process_instance_key FROM variable WHERE name = ?)")
            params.append(f.variable_name)
        else:
            clauses.append(
                "pi.key IN (SELECT process_instance_key FROM variable WHERE name = ? AND value = ?)"
            )
            params += [f.variable_name, stored_json(f.variable_value.strip())]
    return (" AND ".join(clauses) or "1"), params


COLUMNS = (
    "pi.key, pi.bpmn_process_id, pi.version, pi.process_definition_key, pi.state,"
    " pi.has_incident, pi.start_date, pi.end_date, pi.parent_process_instance_key"
)


def list_instances(read_model: ReadModel, f: InstanceFilter) -> dict[str, Any]:
    started = time.perf_counter()
    where, params = where_clause(f)
    direction = "DESC" if f.descending else "ASC"
    order = f"{SORTS[f.sort]} {direction}, pi.key {direction}"
    total = read_model.scalar(f"SELECT COUNT(*) FROM process_instance pi WHERE {where}", params)
    rows = read_model.rows(
        f"SELECT {COLUMNS} FROM process_instance pi WHERE {where} ORDER BY {order}"
        " LIMIT ? OFFSET ?",
        [*params, f.limit, f.offset],
    )
    return {
        "items": [instance_item(dict(row)) for row in rows],
        "total": int(total),
        "offset": f.offset,
        "limit": f.limit,
        "tookMs": round((time.perf_counter() - started) * 1000, 1),
    }


def display_state(state: str, has_incident: Any) -> str:
    """Operate's words: an active instance with an incident is shown as ``INCIDENT``."""
    if state == "ACTIVE" and has_incident:
        return "INCIDENT"
    return "CANCELED" if state == "TERMINATED" else state


def instance_item(row: Mapping[str, Any]) -> dict[str, Any]:
    parent = row.get("parent_process_instance_key")
    return {
        "key": str(row["key"]),
        "processId": row["bpmn_process_id"],
        "version": row["version"],
        "processDefinitionKey": str(row["process_definition_key"]),
        "state": display_state(row["state"], row["has_incident"]),
        "startDate": row["start_date"],
        "endDate": row["end_date"],
        "parentKey": None if parent is None or parent < 0 else str(parent),
    }
