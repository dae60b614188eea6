"""BPMN XML → immutable :class:`~engine.model.elements.Process` objects.

The work happens in three passes per process, because the model is immutable and every node
must be built knowing its flows and boundary events:

1. **collect** walks the process and its subprocesses, noting every flow node and sequence flow
   with its flow scope, and refusing elements we do not execute (complex gateways, transactions,
   ...) by id and type;
2. **build** turns each collected node into its model dataclass, reading its Zeebe extensions and
   event definitions (placement rules that depend on the kind of event are checked here);
3. **validate** (:mod:`engine.model.validation`) checks the graph: flows connect existing nodes
   of one scope, gateways and their flows agree, start/end/boundary/link rules.

Problems are collected and reported together in one :class:`BpmnParseError`.
"""

from __future__ import annotations

from types import MappingProxyType

from lxml import etree

from engine.model.build_activities import ActivityBuilders
from engine.model.build_base import RawFlow, RawNode, documentation_of
from engine.model.build_events import EventBuilders
from engine.model.definitions import read_declarations
from engine.model.elements import (
    EventBasedGateway,
    ExclusiveGateway,
    Expression,
    FlowNode,
    InclusiveGateway,
    ParallelGateway,
    Process,
    SequenceFlow,
    StartEvent,
)
from engine.model.expressions import ExpressionReader
from engine.model.extensions import parse_bool, zeebe_children
from engine.model.namespaces import BPMN, is_bpmn, local_name
from engine.model.problems import Problems
from engine.model.validation import validate_process
from engine.model.xml_safety import load_xml

MAX_ID_LENGTH = 255


def parse(xml: bytes, resource_name: str) -> list[Process]:
    """Parse a ``.bpmn`` resource; see :func:`engine.model.parse_bpmn`."""
    root = load_xml(xml, resource_name)
    problems = Problems(resource_name)
    if not (is_bpmn(root, "definitions")):
        tag = etree.QName(root)
        problems.add_raw(
            f"Resource '{resource_name}' is not a BPMN 2.0 document: the root element is "
            f"'{tag.localname}' in namespace '{tag.namespace}', expected 'definitions' in '{BPMN}'"
        )
        problems.raise_if_any()
    expressions = ExpressionReader(problems.add)
    declarations = read_declarations(root, problems, expressions)
    _check_ids(root, problems)

    processes: list[Process] = []
    executable = [p for p in root if is_bpmn(p, "process") and _is_executable(p)]
    if not executable:
        problems.add_raw(
            f"Resource '{resource_name}' must contain at least one executable process "
            '(bpmn:process with isExecutable="true")'
        )
    for process_el in executable:
        builder = _ProcessBuilder(process_el, resource_name, declarations, problems, expressions)
        process = builder.build()
        if process is not None:
            processes.append(process)
    problems.raise_if_any()
    return processes


def _is_executable(process: etree._Element) -> bool:
    return parse_bool(process.get("isExecutable"), False)


def _check_ids(root: etree._Element, problems: Problems) -> None:
    seen: dict[str, str] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not is_bpmn(node):
            continue
        element_id = node.get("id")
        if element_id is None:
            continue
        if len(element_id) > MAX_ID_LENGTH:
            problems.add(
                element_id[:40] + "...",
                f"id is longer than {MAX_ID_LENGTH} characters ({len(element_id)})",
            )
        if element_id in seen:
            problems.add(element_id, "the id is used by more than one element")
        seen[element_id] = local_name(node)


class _ProcessBuilder(EventBuilders, ActivityBuilders):
    """Builds one process: collect (pass 1, in the base), build and validate (pass 2)."""

    # -- pass 2

    def build(self) -> Process | None:
        process_id = self.el.get("id")
        if not process_id:
            self.problems.add_raw("A bpmn:process has no id")
            return None
        top = self.collect(self.el, process_id)
        self.ext.check_refused(self.el, process_id)

        self.index_graph()

        elements: dict[str, FlowNode] = {}
        for raw in self.nodes.values():
            node = self.build_node(raw)
            if node is not None:
                elements[raw.id] = node
            else:
                self.refused_ids.add(raw.id)

        flows = {flow.id: self.build_flow(flow) for flow in self.flows.values()}

        start_ids = tuple(i for i in top.child_ids if self.nodes[i].tag == "startEvent")
        none_starts = [
            i
            for i in start_ids
            if isinstance(elements.get(i), StartEvent) and elements[i].event_definition is None  # type: ignore[attr-defined]
        ]
        process = Process(
            id=process_id,
            name=self.el.get("name"),
            is_executable=True,
            documentation=documentation_of(self.el),
            resource_name=self.resource_name,
            elements=MappingProxyType(elements),
            flows=MappingProxyType(flows),
            child_ids=tuple(top.child_ids),
            start_event_id=none_starts[0] if none_starts else None,
            start_event_ids=start_ids,
            event_subprocess_ids=tuple(top.event_subprocess_ids),
            properties=self.ext.properties(self.el),
            messages=MappingProxyType(dict(self.decl.messages)),
            errors=MappingProxyType(dict(self.decl.errors)),
            signals=MappingProxyType(dict(self.decl.signals)),
            version_tag=self.version_tag(),
        )
        validate_process(process, self.problems, reported_ids=self.refused_ids)
        return process

    def version_tag(self) -> str | None:
        tags = zeebe_children(self.el, "versionTag")
        value = (tags[0].get("value") or "").strip() if tags else ""
        return value or None

    def build_flow(self, flow: RawFlow) -> SequenceFlow:
        condition: Expression | None = None
        for child in flow.el:
            if is_bpmn(child, "conditionExpression"):
                condition = self.expr.read(
                    child.text or "",
                    element_id=flow.id,
                    what="condition expression",
                    required=True,
                    feel_only=True,
                )
        source = self.nodes.get(flow.source)
        is_default = source is not None and source.el.get("default") == flow.id
        if not flow.source:
            self.problems.add(flow.id, "sequence flow must have a sourceRef")
        if not flow.target:
            self.problems.add(flow.id, "sequence flow must have a targetRef")
        return SequenceFlow(
            id=flow.id,
            name=flow.el.get("name"),
            source_id=flow.source,
            target_id=flow.target,
            flow_scope_id=flow.scope_id,
            condition=condition,
            is_default=is_default,
            documentation=documentation_of(flow.el),
        )

    def build_node(self, raw: RawNode) -> FlowNode | None:
        builder = getattr(self, f"_build_{raw.tag}")
        node: FlowNode | None = builder(raw)
        return node

    # gateways

    def _build_exclusiveGateway(self, raw: RawNode) -> FlowNode | None:
        return ExclusiveGateway(**self.common(raw), default_flow_id=raw.el.get("default"))

    def _build_inclusiveGateway(self, raw: RawNode) -> FlowNode | None:
        return InclusiveGateway(**self.common(raw), default_flow_id=raw.el.get("default"))

    def _build_parallelGateway(self, raw: RawNode) -> FlowNode | None:
        return ParallelGateway(**self.common(raw))

    def _build_eventBasedGateway(self, raw: RawNode) -> FlowNode | None:
        return EventBasedGateway(**self.common(raw))
