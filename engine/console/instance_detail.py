"""One instance as the console's instance page shows it, read from the read model.

Everything the page needs comes in one answer (so a live update is one request): the instance,
its element instances (for the diagram's token counts and path), the sequence flows taken (from
the record log), incidents, jobs, timers, message subscriptions, variables per scope, and the
called and calling instances. The record history is paged separately; it can be long.

Personal data: variable values, error messages and record payloads can carry names and ID
numbers. For a user who may not see personal data they are replaced by ``None`` with
``hidden: true`` (the names and kinds stay, so the user still sees *where* things are).
"""

from __future__ import annotations

import json
from typing import Any

from engine.console.instance_list import display_state, instance_item
from engine.console.settings import ConsoleUser
from engine.query.read_model import ReadModel

ELEMENT_LIMIT = 5_000
RECORD_PAGE = 100
HIDDEN_RECORD_FIELDS = frozenset(
    {
        "variables",
        "value",
        "errorMessage",
        "customHeaders",
        "correlationKey",
        "decisionOutput",
        "evaluatedInputs",
        "matchedRules",
        "evaluationFailureMessage",
    }
)


def _key(value: Any) -> str | None:
    return None if value is None or value < 0 else str(value)


def instance_detail(read_model: ReadModel, key: int, user: ConsoleUser) -> dict[str, Any] | None:
    rows = read_model.rows(
        "SELECT pi.*, pd.name AS process_name FROM process_instance pi"
        " LEFT JOIN process_definition pd ON pd.key = pi.process_definition_key WHERE pi.key = ?",
        [key],
    )
    if not rows:
        return None
    row = dict(rows[0])
    personal = user.sees_personal_data
    instance = instance_item(row) | {
        "processName": row["process_name"],
        "parentElementInstanceKey": _key(row["parent_element_instance_key"]),
    }
    elements = [
        {
            "key": str(e["key"]),
            "elementId": e["element_id"],
            "elementType": e["element_type"],
            "flowScopeKey": _key(e["flow_scope_key"]),
            "state": e["state"],
            "startDate": e["start_date"],
            "endDate": e["end_date"],
            "incidentKey": _key(e["incident_key"]),
        }
        for e in read_model.rows(
            "SELECT * FROM element_instance WHERE process_instance_key = ? ORDER BY key LIMIT ?",
            [key, ELEMENT_LIMIT],
        )
    ]
    taken_flows = [
        r[0]
        for r in read_model.rows(
            "SELECT DISTINCT json_extract(value, '$.elementId') FROM record"
            " WHERE process_instance_key = ? AND intent = 'SEQUENCE_FLOW_TAKEN'",
            [key],
        )
        if r[0]
    ]
    incidents = [
        {
            "key": str(i["key"]),
            "elementId": i["element_id"],
            "elementInstanceKey": str(i["element_instance_key"]),
            "jobKey": _key(i["job_key"]),
            "errorType": i["error_type"],
            "errorMessage": i["error_message"] if personal else None,
            "hidden": not personal,
            "state": i["state"],
            "creationTime": i["creation_time"],
            "resolvedTime": i["resolved_time"],
        }
        for i in read_model.rows(
            "SELECT * FROM incident WHERE process_instance_key = ? ORDER BY key", [key]
        )
    ]
    jobs = [
        {
            "key": str(j["key"]),
            "type": j["type"],
            "elementId": j["element_id"],
            "elementInstanceKey": str(j["element_instance_key"]),
            "state": j["state"],
            "retries": j["retries"],
            "worker": j["worker"],
            "deadline": j["deadline"],
            "errorMessage": j["error_message"] if personal else None,
            "creationTime": j["creation_time"],
            "endTime": j["end_time"],
        }
        for j in read_model.rows(
            "SELECT * FROM job WHERE process_instance_key = ? ORDER BY key", [key]
        )
    ]
    timers = [
        {
            "key": str(t["key"]),
            "elementId": t["element_id"],
            "elementInstanceKey": _key(t["element_instance_key"]),
            "dueDate": t["due_date"],
            "repetitions": t["repetitions"],
            "state": t["state"],
        }
        for t in read_model.rows(
            "SELECT * FROM timer WHERE process_instance_key = ? ORDER BY due_date", [key]
        )
    ]
    subscriptions = [
        {
            "key": str(m["key"]),
            "elementId": m["element_id"],
            "messageName": m["message_name"],
            "correlationKey": m["correlation_key"] if personal else None,
            "state": m["state"],
        }
        for m in read_model.rows(
            "SELECT * FROM message_subscription WHERE process_instance_key = ? ORDER BY key",
            [key],
        )
    ]
    variables = [
        {
            "key": str(v["key"]),
            "name": v["name"],
            "scopeKey": str(v["scope_key"]),
            "value": v["value"] if personal else None,
            "hidden": not personal,
        }
        for v in read_model.rows(
            "SELECT key, name, value, scope_key FROM variable WHERE process_instance_key = ?"
            " ORDER BY scope_key, name",
            [key],
        )
    ]
    children = [
        instance_item(dict(c))
        for c in read_model.rows(
            "SELECT * FROM process_instance WHERE parent_process_instance_key = ? ORDER BY key",
            [key],
        )
    ]
    parent = None
    if instance["parentKey"] is not None:
        found = read_model.rows(
            "SELECT * FROM process_instance WHERE key = ?", [int(instance["parentKey"])]
        )
        parent = instance_item(dict(found[0])) if found else None
    return {
        "instance": instance,
        "elements": elements,
        "elementsTruncated": len(elements) >= ELEMENT_LIMIT,
        "takenFlows": taken_flows,
        "incidents": incidents,
        "jobs": jobs,
        "timers": timers,
        "subscriptions": subscriptions,
        "variables": variables,
        "children": children,
        "parent": parent,
        "position": latest_position(read_model, key),
    }


def latest_position(read_model: ReadModel, key: int) -> int:
    """The newest record of an instance: what the live stream watches for changes."""
    return int(
        read_model.scalar(
            "SELECT COALESCE(MAX(position), 0) FROM record WHERE process_instance_key = ?", [key]
        )
        or 0
    )


def instance_records(
    read_model: ReadModel, key: int, user: ConsoleUser, *, after: int = 0
) -> dict[str, Any]:
    """The instance's records in order, a page at a time (``after`` = last position seen)."""
    rows = read_model.rows(
        "SELECT position, key, record_type, value_type, intent, timestamp, value FROM record"
        " WHERE process_instance_key = ? AND position > ? ORDER BY position LIMIT ?",
        [key, after, RECORD_PAGE],
    )
    items = []
    for r in rows:
        try:
            value = json.loads(r["value"])
        except ValueError:
            value = {}
        if not user.sees_personal_data and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in HIDDEN_RECORD_FIELDS}
        items.append(
            {
                "position": r["position"],
                "key": str(r["key"]),
                "recordType": r["record_type"],
                "valueType": r["value_type"],
                "intent": r["intent"],
                "timestamp": r["timestamp"],
                "elementId": value.get("elementId") if isinstance(value, dict) else None,
                "value": value,
            }
        )
    return {"items": items, "more": len(items) == RECORD_PAGE}


def state_of(read_model: ReadModel, key: int) -> str | None:
    rows = read_model.rows("SELECT state, has_incident FROM process_instance WHERE key = ?", [key])
    return display_state(rows[0][0], rows[0][1]) if rows else None
