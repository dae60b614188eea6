"""Process definitions with their versions and how many instances each has, by state."""

from __future__ import annotations

from typing import Any

from lxml import etree

from engine.console.instance_list import display_state
from engine.query.read_model import ReadModel

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Elements a token can rest on or be moved to (what the modify dialog offers).
_FLOW_NODE_TAGS = frozenset(
    {
        "task",
        "serviceTask",
        "userTask",
        "scriptTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "endEvent",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
    }
)


def list_definitions(read_model: ReadModel) -> list[dict[str, Any]]:
    counts: dict[int, dict[str, int]] = {}
    for row in read_model.rows(
        "SELECT process_definition_key, state, has_incident, COUNT(*) AS n"
        " FROM process_instance GROUP BY process_definition_key, state, has_incident"
    ):
        per = counts.setdefault(row["process_definition_key"], {})
        name = display_state(row["state"], row["has_incident"])
        per[name] = per.get(name, 0) + int(row["n"])
    definitions = []
    for row in read_model.rows(
        "SELECT key, bpmn_process_id, version, name, resource_name, deployed_at, tenant_id"
        " FROM process_definition ORDER BY bpmn_process_id, version DESC"
    ):
        per = counts.get(row["key"], {})
        definitions.append(
            {
                "key": str(row["key"]),
                "processId": row["bpmn_process_id"],
                "version": row["version"],
                "name": row["name"],
                "resourceName": row["resource_name"],
                "deployedAt": row["deployed_at"],
                "tenantId": row["tenant_id"],
                "counts": {
                    "ACTIVE": per.get("ACTIVE", 0),
                    "INCIDENT": per.get("INCIDENT", 0),
                    "COMPLETED": per.get("COMPLETED", 0),
                    "CANCELED": per.get("CANCELED", 0),
                },
            }
        )
    return definitions


def definition_xml(read_model: ReadModel, key: int) -> str | None:
    rows = read_model.rows("SELECT bpmn_xml FROM process_definition WHERE key = ?", [key])
    return str(rows[0][0]) if rows else None


def flow_nodes(xml: str) -> list[dict[str, str]]:
    """Ids, names and kinds of the flow nodes, for the modify dialog (works without bpmn-js).

    The XML was parsed and validated at deployment; it is parsed again here with entities and
    network access off, as every BPMN parse in the engine is.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml.encode(), parser)
    nodes = []
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        local = etree.QName(element).localname
        if local in _FLOW_NODE_TAGS and element.get("id"):
            name = element.get("name") or ""
            nodes.append({"id": element.get("id", ""), "name": name, "kind": local})
    return nodes
