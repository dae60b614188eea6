"""The shared machinery of every ``POST /v2/<resource>/search``: filter, sort, page.

A request is ``{"filter": {...}, "sort": [{"field": f, "order": "ASC"|"DESC"}],
"page": {"from": n, "limit": n} | {"after": cursor, "limit": n} | {"before": cursor, ...}}``,
as Camunda's v2 API. A filter value is either the value itself (equality) or an advanced
filter: ``$eq``, ``$neq``, ``$in``, ``$notIn``, ``$exists``, ``$like`` (``*`` and ``?``
wildcards), ``$gt``, ``$gte``, ``$lt``, ``$lte``. Unknown fields or operators are a 400.

Responses are ``{"items": [...], "page": {"totalItems": N, "startCursor": c, "endCursor": c,
"hasMoreTotalItems": false}}``. Cursors are opaque to clients; here they encode a position.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from engine.query.problems import QueryError
from engine.query.read_model import ReadModel

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


class Kind(Enum):
    KEY = "key"  # 64-bit integer, shown as a string (JavaScript cannot hold it)
    STRING = "string"
    INT = "int"
    BOOL = "bool"
    DATE = "date"  # epoch milliseconds in the store, ISO-8601 over the wire
    JSON = "json"  # JSON text in the store, parsed over the wire


@dataclass(frozen=True)
class Field:
    name: str
    column: str
    kind: Kind = Kind.STRING
    filterable: bool = True
    sortable: bool = True


@dataclass(frozen=True)
class Resource:
    """One searchable resource: its SQL source, its fields, and its key field."""

    name: str
    source: str  # FROM clause (a table, or a join)
    fields: Sequence[Field]
    key_field: str
    extra: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    _by_name: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field | None:
        return self._by_name.get(name)


# --------------------------------------------------------------- values


def iso(epoch_ms: int | None) -> str | None:
    if epoch_ms is None:
        return None
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def to_wire(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind is Kind.KEY:
        return str(value)
    if kind is Kind.BOOL:
        return bool(value)
    if kind is Kind.DATE:
        return iso(int(value))
    if kind is Kind.JSON:
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            return value
    return value


def _from_wire(f: Field, value: Any) -> Any:
    """A filter value → the stored representation; 400 when it cannot be one."""
    try:
        if f.kind is Kind.KEY or f.kind is Kind.INT:
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if f.kind is Kind.BOOL:
            if not isinstance(value, bool):
                raise ValueError
            return int(value)
        if f.kind is Kind.DATE:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return int(value)
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return int(moment.timestamp() * 1000)
        if not isinstance(value, str):
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise QueryError(
            400, f"Filter field '{f.name}' expects a {f.kind.value} value, got {value!r}"
        ) from None


def row_to_item(resource: Resource, row: Mapping[str, Any]) -> dict[str, Any]:
    item = {f.name: to_wire(f.kind, row[f.name]) for f in resource.fields}
    if resource.extra is not None:
        item.update(resource.extra(item))
    return item


# ------------------------------------------------------------- requests


@dataclass
class SearchRequest:
    where: str
    params: list[Any]
    order_by: str
    offset: int
    limit: int
    backwards: bool = False


_OPERATORS = {"$eq": "=", "$neq": "!=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def _conditions(resource: Resource, filters: Any) -> tuple[list[str], list[Any]]:
    if filters is None:
        return [], []
    if not isinstance(filters, Mapping):
        raise QueryError(400, "'filter' must be an object")
    clauses: list[str] = []
    params: list[Any] = []
    for name, condition in filters.items():
        f = resource.field(name)
        if f is None or not f.filterable:
            known = ", ".join(x.name for x in resource.fields if x.filterable)
            raise QueryError(
                400, f"Unknown filter field '{name}' for {resource.name}; known fields: {known}"
            )
        if condition is None:
            continue
        if not isinstance(condition, Mapping):
            clauses.append(f"{f.column} = ?")
            params.append(_from_wire(f, condition))
            continue
        for op, operand in condition.items():
            if op in _OPERATORS:
                clauses.append(f"{f.column} {_OPERATORS[op]} ?")
                params.append(_from_wire(f, operand))
            elif op in ("$in", "$notIn"):
                if not isinstance(operand, list):
                    raise QueryError(400, f"'{op}' of filter field '{name}' expects a list")
                if not operand:
                    clauses.append("0" if op == "$in" else "1")
                    continue
                marks = ", ".join("?" * len(operand))
                clauses.append(f"{f.column} {'IN' if op == '$in' else 'NOT IN'} ({marks})")
                params.extend(_from_wire(f, v) for v in operand)
            elif op == "$exists":
                if not isinstance(operand, bool):
                    raise QueryError(400, f"'$exists' of filter field '{name}' expects a boolean")
                clauses.append(f"{f.column} IS {'NOT ' if operand else ''}NULL")
            elif op == "$like":
                if not isinstance(operand, str):
                    raise QueryError(400, f"'$like' of filter field '{name}' expects a string")
                pattern = (
                    operand.replace("\\", "\\\\")
                    .replace("%", "\\%")
                    .replace("_", "\\_")
                    .replace("*", "%")
                    .replace("?", "_")
                )
                clauses.append(f"{f.column} LIKE ? ESCAPE '\\'")
                params.append(pattern)
            else:
                raise QueryError(
                    400,
                    f"Unknown operator '{op}' in filter field '{name}'; use one of "
                    "$eq, $neq, $in, $notIn, $exists, $like, $gt, $gte, $lt, $lte",
                )
    return clauses, params


def _order(resource: Resource, sort: Any) -> tuple[list[tuple[str, bool]], str]:
    if sort is None:
        sort = []
    if not isinstance(sort, list):
        raise QueryError(400, '\'sort\' must be a list of {"field": ..., "order": ...}')
    order: list[tuple[str, bool]] = []
    for entry in sort:
        if not isinstance(entry, Mapping) or "field" not in entry:
            raise QueryError(400, "each 'sort' entry needs a 'field'")
        f = resource.field(str(entry["field"]))
        if f is None or not f.sortable:
            known = ", ".join(x.name for x in resource.fields if x.sortable)
            raise QueryError(
                400,
                f"Unknown sort field '{entry['field']}' for {resource.name}; known fields: {known}",
            )
        direction = str(entry.get("order", "ASC")).upper()
        if direction not in ("ASC", "DESC"):
            raise QueryError(400, f"Sort order must be ASC or DESC, got {entry.get('order')!r}")
        order.append((f.column, direction == "DESC"))
    key_column = resource.field(resource.key_field)
    assert key_column is not None
    if not any(col == key_column.column for col, _ in order):
        order.append((key_column.column, False))  # a stable order for paging
    return order, ", ".join(f"{col} {'DESC' if desc else 'ASC'}" for col, desc in order)


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: Any) -> int:
    try:
        padded = str(cursor) + "=" * (-len(str(cursor)) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded))["o"]
        if not isinstance(offset, int) or offset < 0:
            raise ValueError
        return offset
    except (ValueError, KeyError, TypeError):
        raise QueryError(400, f"Invalid page cursor {cursor!r}") from None


def parse_search(resource: Resource, body: Any) -> SearchRequest:
    if body is None:
        body = {}
    if not isinstance(body, Mapping):
        raise QueryError(400, "The search request must be a JSON object")
    unknown = set(body) - {"filter", "sort", "page"}
    if unknown:
        raise QueryError(
            400,
            f"Unknown search request properties: {', '.join(sorted(unknown))}; "
            "expected filter, sort, page",
        )
    clauses, params = _conditions(resource, body.get("filter"))
    _, order_by = _order(resource, body.get("sort"))
    page = body.get("page") or {}
    if not isinstance(page, Mapping):
        raise QueryError(400, "'page' must be an object")
    limit = page.get("limit", DEFAULT_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_LIMIT:
        raise QueryError(400, f"'page.limit' must be an integer from 0 to {MAX_LIMIT}")
    given = [k for k in ("from", "after", "before") if k in page]
    if len(given) > 1:
        raise QueryError(400, "Use only one of 'page.from', 'page.after' and 'page.before'")
    offset, backwards = 0, False
    if "from" in page:
        offset = page["from"]
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise QueryError(400, "'page.from' must be a non-negative integer")
    elif "after" in page:
        offset = decode_cursor(page["after"])
    elif "before" in page:
        end = decode_cursor(page["before"]) - 1  # cursor marks the first item shown before
        offset, backwards = max(end - limit, 0), True
        limit = min(limit, max(end, 0))
    where = " AND ".join(clauses) if clauses else "1"
    return SearchRequest(where, params, order_by, offset, limit, backwards)


def search(read_model: ReadModel, resource: Resource, body: Any) -> dict[str, Any]:
    request = parse_search(resource, body)
    columns = ", ".join(f'{f.column} AS "{f.name}"' for f in resource.fields)
    total = read_model.scalar(
        f"SELECT COUNT(*) FROM {resource.source} WHERE {request.where}", request.params
    )
    rows = read_model.rows(
        f"SELECT {columns} FROM {resource.source} WHERE {request.where} "
        f"ORDER BY {request.order_by} LIMIT ? OFFSET ?",
        [*request.params, request.limit, request.offset],
    )
    items = [row_to_item(resource, dict(row)) for row in rows]
    return {
        "items": items,
        "page": {
            "totalItems": total,
            # cursors name positions 1-based, so "before" of the first page is empty
            "startCursor": encode_cursor(request.offset + 1) if items else None,
            "endCursor": encode_cursor(request.offset + len(items)) if items else None,
            "hasMoreTotalItems": False,
        },
    }


def get_one(read_model: ReadModel, resource: Resource, key: str) -> dict[str, Any]:
    f = resource.field(resource.key_field)
    assert f is not None
    try:
        value = int(key)
    except ValueError:
        raise QueryError(400, f"'{key}' is not a valid {resource.key_field}") from None
    columns = ", ".join(f'{x.column} AS "{x.name}"' for x in resource.fields)
    rows = read_model.rows(f"SELECT {columns} FROM {resource.source} WHERE {f.column} = ?", [value])
    if not rows:
        raise QueryError(404, f"{resource.name} with key '{key}' not found")
    return row_to_item(resource, dict(rows[0]))
