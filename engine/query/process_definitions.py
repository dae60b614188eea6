"""Deployed process definitions, as Camunda's ``/v2/process-definitions`` shows them."""

from engine.query.search import Field, Kind, Resource

PROCESS_DEFINITIONS = Resource(
    name="process definition",
    source="process_definition",
    key_field="processDefinitionKey",
    fields=(
        Field("processDefinitionKey", "key", Kind.KEY),
        Field("processDefinitionId", "bpmn_process_id"),
        Field("name", "name"),
        Field("version", "version", Kind.INT),
        Field("resourceName", "resource_name"),
        Field("tenantId", "tenant_id"),
        Field("deploymentKey", "deployment_key", Kind.KEY),
        Field("deploymentTime", "deployed_at", Kind.DATE),
    ),
)

XML_SQL = "SELECT bpmn_xml FROM process_definition WHERE key = ?"
