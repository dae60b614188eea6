"""Shared state of a process build and pass 1 (collect): what every element builder reads.

:class:`BuilderBase` holds the process being built (its collected nodes and flows, the maps of
incoming/outgoing flows and boundary events) and the readers for extensions, expressions and
event definitions. The per-kind builders (:mod:`engine.model.build_events`,
:mod:`engine.model.build_activities`) extend it; :mod:`engine.model.parser` puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.model.definitions import Declarations, embedded_forms
from engine.model.elements import MessageEventDefinition
from engine.model.events import EventDefinitionReader
from engine.model.expressions import ExpressionReader
from engine.model.extensions import ExtensionReader, parse_bool
from engine.model.namespaces import is_bpmn, local_name
from engine.model.problems import Problems

FLOW_NODE_TAGS = {
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "manualTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "userTask",
    "businessRuleTask",
    "scriptTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
}

# Non-executable BPMN content that may appear inside a process or subprocess: kept out of the
# model without complaint (documentation, artefacts, lanes, data).
IGNORED_TAGS = {
    "documentation",
    "extensionElements",
    "laneSet",
    "textAnnotation",
    "association",
    "group",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "ioSpecification",
    "property",
    "dataInputAssociation",
    "dataOutputAssociation",
    "auditing",
    "monitoring",
    "category",
    "correlationSubscription",
    # children of flow nodes that the node's own builder reads (seen when walking subprocesses)
    "incoming",
    "outgoing",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
}


def documentation_of(node: etree._Element) -> str | None:
    texts = [
        (child.text or "").strip()
        for child in node
        if is_bpmn(child, "documentation") and (child.text or "").strip()
    ]
    return "\n".join(texts) if texts else None


@dataclass(slots=True)
class RawNode:
    """A flow node as found in the XML, before it is built."""

    el: etree._Element
    id: str
    tag: str
    scope_id: str
    child_ids: list[str] = field(default_factory=list)
    event_subprocess_ids: list[str] = field(default_factory=list)

    @property
    def is_event_subprocess(self) -> bool:
        return self.tag == "subProcess" and parse_bool(self.el.get("triggeredByEvent"), False)


@dataclass(slots=True)
class RawFlow:
    """A sequence flow as found in the XML."""

    el: etree._Element
    id: str
    source: str
    target: str
    scope_id: str


@dataclass(slots=True)
class CollectedScope:
    """Direct children of one scope, in document order."""

    child_ids: list[str] = field(default_factory=list)
    event_subprocess_ids: list[str] = field(default_factory=list)


class BuilderBase:
    """State shared by the element builders of one process."""

    def __init__(
        self,
        process_el: etree._Element,
        resource_name: str,
        declarations: Declarations,
        problems: Problems,
        expressions: ExpressionReader,
    ) -> None:
        self.el = process_el
        self.resource_name = resource_name
        self.decl = declarations
        self.problems = problems
        self.expr = expressions
        self.ext = ExtensionReader(problems, expressions)
        self.events = EventDefinitionReader(problems, expressions, declarations)
        self.forms = embedded_forms(process_el)
        self.nodes: dict[str, RawNode] = {}
        self.flows: dict[str, RawFlow] = {}
        # Elements already reported (unsupported or failed to build): flows pointing at them
        # are not reported a second time.
        self.refused_ids: set[str] = set()

    # -- pass 1

    def collect(self, scope_el: etree._Element, scope_id: str) -> CollectedScope:
        """Note the flow nodes and flows of a scope (recursing into subprocesses) and refuse, by
        id and type, BPMN flow elements we do not execute."""
        scope = CollectedScope()
        for child in scope_el:
            if not isinstance(child.tag, str) or not is_bpmn(child):
                continue  # comments, vendor elements outside extensionElements
            tag = local_name(child)
            element_id = child.get("id")
            if tag in IGNORED_TAGS:
                continue
            if not element_id:
                self.problems.add_raw(
                    f"An element of type '{tag}' (line {child.sourceline}) in '{scope_id}' has "
                    "no id"
                )
                continue
            if tag == "sequenceFlow":
                self.flows[element_id] = RawFlow(
                    el=child,
                    id=element_id,
                    source=child.get("sourceRef") or "",
                    target=child.get("targetRef") or "",
                    scope_id=scope_id,
                )
                continue
            if tag not in FLOW_NODE_TAGS:
                self.problems.unsupported(element_id, tag)
                self.refused_ids.add(element_id)
                continue
            raw = RawNode(el=child, id=element_id, tag=tag, scope_id=scope_id)
            self.nodes[element_id] = raw
            scope.child_ids.append(element_id)
            if tag == "subProcess":
                inner = self.collect(child, element_id)
                raw.child_ids = inner.child_ids
                raw.event_subprocess_ids = inner.event_subprocess_ids
                if raw.is_event_subprocess:
                    scope.event_subprocess_ids.append(element_id)
        return scope

    def index_graph(self) -> None:
        """Incoming/outgoing flows per node and boundary events per host, in document order."""
        self.incoming: dict[str, list[str]] = {nid: [] for nid in self.nodes}
        self.outgoing: dict[str, list[str]] = {nid: [] for nid in self.nodes}
        for flow in self.flows.values():
            if flow.source in self.outgoing:
                self.outgoing[flow.source].append(flow.id)
            if flow.target in self.incoming:
                self.incoming[flow.target].append(flow.id)
        self.boundaries: dict[str, list[str]] = {}
        for raw in self.nodes.values():
            if raw.tag == "boundaryEvent":
                host = raw.el.get("attachedToRef") or ""
                self.boundaries.setdefault(host, []).append(raw.id)

    def common(self, raw: RawNode) -> dict[str, Any]:
        """The constructor arguments every flow node shares."""
        self.ext.check_refused(raw.el, raw.id)
        inputs, outputs = self.ext.io_mappings(raw.el, raw.id)
        return {
            "id": raw.id,
            "name": raw.el.get("name"),
            "flow_scope_id": raw.scope_id,
            "incoming": tuple(self.incoming[raw.id]),
            "outgoing": tuple(self.outgoing[raw.id]),
            "documentation": documentation_of(raw.el),
            "input_mappings": inputs,
            "output_mappings": outputs,
            "properties": self.ext.properties(raw.el),
        }

    def require_correlation_key(self, element_id: str, definition: MessageEventDefinition) -> None:
        if not self.decl.message_has_subscription.get(definition.message_id, False):
            self.problems.add(
                element_id,
                f"message '{definition.message_id}' must have exactly one zeebe:subscription "
                "extension element with a correlationKey",
            )
