"""Process instances, as Camunda's ``/v2/process-instances`` shows them."""

from engine.query.search import Field, Kind, Resource

PROCESS_INSTANCES = Resource(
    name="process instance",
    source="process_instance pi"
    " LEFT JOIN process_definition pd ON pd.key = pi.process_definition_key",
    key_field="processInstanceKey",
    fields=(
        Field("processInstanceKey", "pi.key", Kind.KEY),
        Field("processDefinitionId", "pi.bpmn_process_id"),
        Field("processDefinitionName", "pd.name"),
        Field("processDefinitionVersion", "pi.version", Kind.INT),
        Field("processDefinitionKey", "pi.process_definition_key", Kind.KEY),
        Field("parentProcessInstanceKey", "pi.parent_process_instance_key", Kind.KEY),
        Field("parentElementInstanceKey", "pi.parent_element_instance_key", Kind.KEY),
        Field("startDate", "pi.start_date", Kind.DATE),
        Field("endDate", "pi.end_date", Kind.DATE),
        Field("state", "pi.state"),
        Field("hasIncident", "pi.has_incident", Kind.BOOL),
        Field("tenantId", "pi.tenant_id"),
    ),
)
