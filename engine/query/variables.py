"""Variables, as Camunda's ``/v2/variables`` shows them: ``value`` is the JSON text."""

from collections.abc import Mapping
from typing import Any

from engine.query.search import Field, Kind, Resource


def _derived(_item: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"isTruncated": False}


VARIABLES = Resource(
    name="variable",
    source="variable",
    key_field="variableKey",
    extra=_derived,
    fields=(
        Field("variableKey", "key", Kind.KEY),
        Field("name", "name"),
        Field("value", "value"),
        Field("scopeKey", "scope_key", Kind.KEY),
        Field("processInstanceKey", "process_instance_key", Kind.KEY),
        Field("tenantId", "tenant_id"),
    ),
)
