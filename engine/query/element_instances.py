"""Element instances (flow node instances), as Camunda's ``/v2/element-instances`` shows them."""

from collections.abc import Mapping
from typing import Any

from engine.query.search import Field, Kind, Resource


def _derived(item: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"hasIncident": item["incidentKey"] is not None}


ELEMENT_INSTANCES = Resource(
    name="element instance",
    source="element_instance ei LEFT JOIN process_instance pi ON pi.key = ei.process_instance_key",
    key_field="elementInstanceKey",
    extra=_derived,
    fields=(
        Field("elementInstanceKey", "ei.key", Kind.KEY),
        Field("processInstanceKey", "ei.process_instance_key", Kind.KEY),
        Field("processDefinitionKey", "ei.process_definition_key", Kind.KEY),
        Field("processDefinitionId", "pi.bpmn_process_id"),
        Field("elementId", "ei.element_id"),
        Field("type", "ei.element_type"),
        Field("state", "ei.state"),
        Field("startDate", "ei.start_date", Kind.DATE),
        Field("endDate", "ei.end_date", Kind.DATE),
        Field("incidentKey", "ei.incident_key", Kind.KEY),
        Field("flowScopeKey", "ei.flow_scope_key", Kind.KEY),
        Field("tenantId", "pi.tenant_id"),
    ),
)
