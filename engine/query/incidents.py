"""Incidents, as Camunda's ``/v2/incidents`` shows them."""

from engine.query.search import Field, Kind, Resource

INCIDENTS = Resource(
    name="incident",
    source="incident",
    key_field="incidentKey",
    fields=(
        Field("incidentKey", "key", Kind.KEY),
        Field("processDefinitionKey", "process_definition_key", Kind.KEY),
        Field("processDefinitionId", "bpmn_process_id"),
        Field("processInstanceKey", "process_instance_key", Kind.KEY),
        Field("errorType", "error_type"),
        Field("errorMessage", "error_message"),
        Field("elementId", "element_id"),
        Field("elementInstanceKey", "element_instance_key", Kind.KEY),
        Field("creationTime", "creation_time", Kind.DATE),
        Field("resolvedTime", "resolved_time", Kind.DATE),
        Field("state", "state"),
        Field("jobKey", "job_key", Kind.KEY),
        Field("tenantId", "tenant_id"),
    ),
)
