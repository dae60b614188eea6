"""Jobs, as Camunda's ``/v2/jobs`` shows them (plus the ACTIVATED state, see DESIGN.md)."""

from collections.abc import Mapping
from typing import Any

from engine.query.search import Field, Kind, Resource


def _derived(item: Mapping[str, Any]) -> Mapping[str, Any]:
    return {
        "kind": "BPMN_ELEMENT",
        "hasFailedWithRetriesLeft": item["state"] == "FAILED" and (item["retries"] or 0) > 0,
    }


JOBS = Resource(
    name="job",
    source="job",
    key_field="jobKey",
    extra=_derived,
    fields=(
        Field("jobKey", "key", Kind.KEY),
        Field("type", "type"),
        Field("worker", "worker"),
        Field("state", "state"),
        Field("retries", "retries", Kind.INT),
        Field("deadline", "deadline", Kind.DATE),
        Field("creationTime", "creation_time", Kind.DATE),
        Field("endTime", "end_time", Kind.DATE),
        Field("errorCode", "error_code"),
        Field("errorMessage", "error_message"),
        Field("customHeaders", "custom_headers", Kind.JSON, filterable=False, sortable=False),
        Field("processDefinitionId", "bpmn_process_id"),
        Field("processDefinitionKey", "process_definition_key", Kind.KEY),
        Field("processInstanceKey", "process_instance_key", Kind.KEY),
        Field("elementId", "element_id"),
        Field("elementInstanceKey", "element_instance_key", Kind.KEY),
        Field("tenantId", "tenant_id"),
    ),
)
