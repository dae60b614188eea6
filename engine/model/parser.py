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

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from lxml import etree

from engine.model.definitions import Declarations, embedded_forms, read_declarations
from engine.model.elements import (
    USER_TASK_JOB_TYPE,
    BoundaryEvent,
    BusinessRuleTask,
    CallActivity,
    ElementType,
    EndEvent,
    EventBasedGateway,
    EventDefinition,
    EventKind,
    EventSubProcess,
    ExclusiveGateway,
    Expression,
    FlowNode,
    InclusiveGateway,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    JobDefinition,
    MessageEventDefinition,
    MultiInstance,
    ParallelGateway,
    Process,
    ReceiveTask,
    ScriptTask,
    SendTask,
    SequenceFlow,
    ServiceTask,
    SignalEventDefinition,
    StartEvent,
    SubProcess,
    Task,
    TimerEventDefinition,
    TimerKind,
    UserTask,
)
from engine.model.events import EventDefinitionReader
from engine.model.expressions import ExpressionReader, constant_string, evaluate_constant
from engine.model.extensions import (
    ExtensionReader,
    parse_bool,
    user_task_static_headers,
    zeebe_children,
)
from engine.model.namespaces import BPMN, is_bpmn, local_name
from engine.model.problems import Problems
from engine.model.timers import TimerFormatError, timer_schedule
from engine.model.validation import validate_process
from engine.model.xml_safety import load_xml

MAX_ID_LENGTH = 255

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

ACTIVITY_TAGS = {
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
}


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


def documentation_of(node: etree._Element) -> str | None:
    texts = [
        (child.text or "").strip()
        for child in node
        if is_bpmn(child, "documentation") and (child.text or "").strip()
    ]
    return "\n".join(texts) if texts else None


# ------------------------------------------------------------------------------- collection


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
    def line(self) -> int:
        return self.el.sourceline or 0

    @property
    def is_event_subprocess(self) -> bool:
        return self.tag == "subProcess" and parse_bool(self.el.get("triggeredByEvent"), False)


@dataclass(slots=True)
class RawFlow:
    el: etree._Element
    id: str
    source: str
    target: str
    scope_id: str


@dataclass(slots=True)
class CollectedScope:
    child_ids: list[str] = field(default_factory=list)
    event_subprocess_ids: list[str] = field(default_factory=list)


class _ProcessBuilder:
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

    # -- pass 2

    def build(self) -> Process | None:
        process_id = self.el.get("id")
        if not process_id:
            self.problems.add_raw("A bpmn:process has no id")
            return None
        top = self.collect(self.el, process_id)
        self.ext.check_refused(self.el, process_id)

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

    # -- per element kind

    def common(self, raw: RawNode) -> dict[str, Any]:
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

    def activity_common(self, raw: RawNode) -> dict[str, Any]:
        values = self.common(raw)
        values["boundary_event_ids"] = tuple(self.boundaries.get(raw.id, ()))
        values["multi_instance"] = self.multi_instance(raw)
        values["default_flow_id"] = raw.el.get("default")
        return values

    def build_node(self, raw: RawNode) -> FlowNode | None:
        builder = getattr(self, f"_build_{raw.tag}")
        node: FlowNode | None = builder(raw)
        return node

    # events

    def _build_startEvent(self, raw: RawNode) -> FlowNode | None:
        values = self.common(raw)
        definition, ok = self.events.read(raw.el, raw.id, throwing=False)
        interrupting = parse_bool(raw.el.get("isInterrupting"), True)
        scope = self.nodes.get(raw.scope_id)
        in_event_subprocess = scope is not None and scope.is_event_subprocess
        in_subprocess = scope is not None and not in_event_subprocess
        kind = EventKind.NONE if definition is None else definition.kind
        if ok:
            if in_subprocess and kind is not EventKind.NONE:
                self.problems.add(raw.id, "start events in subprocesses must be of type none")
            elif in_event_subprocess:
                allowed = {EventKind.MESSAGE, EventKind.TIMER, EventKind.ERROR, EventKind.SIGNAL}
                if kind not in allowed:
                    self.problems.add(
                        raw.id,
                        "start events in event subprocesses must be one of: message, timer, "
                        "error or signal",
                    )
                self.check_interrupting(raw.id, definition, interrupting)
            elif scope is None and kind not in (
                EventKind.NONE,
                EventKind.MESSAGE,
                EventKind.TIMER,
                EventKind.SIGNAL,
            ):
                self.problems.add(
                    raw.id,
                    "start events of a process must be one of: none, message, timer or signal",
                )
            if scope is None and isinstance(definition, TimerEventDefinition):
                if definition.timer_kind is TimerKind.DURATION:
                    self.problems.add(
                        raw.id, "a timer start event must have a timeDate or a timeCycle"
                    )
                elif definition.expression.is_feel:
                    self.check_start_timer(raw.id, definition)
            if isinstance(definition, MessageEventDefinition):
                if scope is None:
                    # Message start events are correlated by name alone (no correlation key),
                    # and the name is needed when the process is deployed.
                    definition = MessageEventDefinition(
                        message_id=definition.message_id,
                        name=self.constant_name(raw.id, "message", definition.name),
                    )
                else:
                    self.require_correlation_key(raw.id, definition)
            if isinstance(definition, SignalEventDefinition) and scope is None:
                definition = SignalEventDefinition(
                    signal_id=definition.signal_id,
                    name=self.constant_name(raw.id, "signal", definition.name),
                )
        return StartEvent(**values, event_definition=definition, interrupting=interrupting)

    def check_start_timer(self, element_id: str, definition: TimerEventDefinition) -> None:
        """A FEEL timer of a process start event is scheduled at deployment, with no variables:
        it must evaluate, then, to a valid timer value. The model keeps the expression (the
        runtime evaluates it when it schedules, so a restart re-parses to the same model)."""
        value, why = evaluate_constant(definition.expression.source)
        if why is None:
            try:
                timer_schedule(definition.timer_kind, value)
            except TimerFormatError as exc:
                shown = "null (no variables exist at deployment)" if value is None else exc
                why = str(shown)
        if why is not None:
            self.problems.add(
                element_id,
                f"invalid timer {definition.timer_kind.value} expression "
                f"'{definition.expression}' of a start event: {why}",
            )

    def constant_name(self, element_id: str, what: str, name: Expression) -> Expression:
        """A start event's message/signal name, evaluated now when it is FEEL (no variables
        exist at deployment), so the runtime can open the subscription with a plain string."""
        if not name.is_feel:
            return name
        value, why = constant_string(name.source)
        if value is not None:
            return Expression.static(value)
        if why is not None:
            self.problems.add(
                element_id,
                f"the {what} name '{name}' of a start event must evaluate to a string without "
                f"variables: {why}",
            )
        return name

    def check_interrupting(
        self, element_id: str, definition: EventDefinition | None, interrupting: bool
    ) -> None:
        if definition is None:
            return
        if not interrupting and definition.kind not in (
            EventKind.MESSAGE,
            EventKind.TIMER,
            EventKind.SIGNAL,
        ):
            self.problems.add(
                element_id,
                f"non-interrupting {definition.kind.value.lower()} events are not allowed",
            )
        if (
            interrupting
            and isinstance(definition, TimerEventDefinition)
            and definition.timer_kind is TimerKind.CYCLE
        ):
            self.problems.add(element_id, "interrupting timer event with time cycle is not allowed")

    def require_correlation_key(self, element_id: str, definition: MessageEventDefinition) -> None:
        if not self.decl.message_has_subscription.get(definition.message_id, False):
            self.problems.add(
                element_id,
                f"message '{definition.message_id}' must have exactly one zeebe:subscription "
                "extension element with a correlationKey",
            )

    def throw_job(self, raw: RawNode, definition: EventDefinition | None) -> JobDefinition | None:
        if isinstance(definition, MessageEventDefinition):
            return self.ext.job_definition(raw.el, raw.id, required=True)
        if zeebe_children(raw.el, "taskDefinition"):
            self.problems.add(raw.id, "only message throw events may have a zeebe:taskDefinition")
        return None

    def throw_definition(self, raw: RawNode) -> tuple[EventDefinition | None, bool]:
        # A message throw event with a job does not need a messageRef (the worker sends it).
        definitions = [c for c in raw.el if is_bpmn(c, "messageEventDefinition")]
        if definitions and not definitions[0].get("messageRef"):
            others = [c for c in raw.el if local_name(c).endswith("EventDefinition")]
            if len(others) == 1:
                return MessageEventDefinition(message_id="", name=Expression.static("")), True
        return self.events.read(raw.el, raw.id, throwing=True)

    def _build_endEvent(self, raw: RawNode) -> FlowNode | None:
        values = self.common(raw)
        definition, _ = self.throw_definition(raw)
        if definition is not None and definition.kind is EventKind.LINK:
            self.problems.add(
                raw.id, "end events must be one of: none, error, message, terminate or signal"
            )
        job = self.throw_job(raw, definition)
        return EndEvent(**values, event_definition=definition, job=job)

    def _build_intermediateThrowEvent(self, raw: RawNode) -> FlowNode | None:
        values = self.common(raw)
        definition, _ = self.throw_definition(raw)
        if definition is not None and definition.kind not in (
            EventKind.MESSAGE,
            EventKind.SIGNAL,
            EventKind.LINK,
        ):
            self.problems.add(
                raw.id,
                "intermediate throw events must be one of: none, message, signal or link",
            )
        job = self.throw_job(raw, definition)
        return IntermediateThrowEvent(**values, event_definition=definition, job=job)

    def _build_intermediateCatchEvent(self, raw: RawNode) -> FlowNode | None:
        values = self.common(raw)
        definition, ok = self.events.read(raw.el, raw.id, throwing=False)
        if ok and definition is None:
            self.problems.add(raw.id, "must have exactly one event definition")
        elif definition is not None:
            if definition.kind not in (
                EventKind.MESSAGE,
                EventKind.TIMER,
                EventKind.SIGNAL,
                EventKind.LINK,
            ):
                self.problems.add(
                    raw.id, "event definition must be one of: message, timer, signal or link"
                )
            if (
                isinstance(definition, TimerEventDefinition)
                and definition.timer_kind is TimerKind.CYCLE
            ):
                self.problems.add(
                    raw.id,
                    "intermediate timer catch event must have either a time duration or a time "
                    "date",
                )
            if isinstance(definition, MessageEventDefinition):
                self.require_correlation_key(raw.id, definition)
        return IntermediateCatchEvent(**values, event_definition=definition)

    def _build_boundaryEvent(self, raw: RawNode) -> FlowNode | None:
        values = self.common(raw)
        definition, ok = self.events.read(raw.el, raw.id, throwing=False)
        cancel_activity = parse_bool(raw.el.get("cancelActivity"), True)
        attached_to = raw.el.get("attachedToRef") or ""
        if ok and definition is None:
            self.problems.add(raw.id, "must have exactly one event definition")
        elif definition is not None:
            if definition.kind not in (
                EventKind.MESSAGE,
                EventKind.TIMER,
                EventKind.ERROR,
                EventKind.SIGNAL,
            ):
                self.problems.add(
                    raw.id, "boundary events must be one of: timer, message, error or signal"
                )
            self.check_interrupting(raw.id, definition, cancel_activity)
            if isinstance(definition, MessageEventDefinition):
                self.require_correlation_key(raw.id, definition)
        if not attached_to:
            self.problems.add(raw.id, "must be attached to an activity (attachedToRef)")
        return BoundaryEvent(
            **values,
            event_definition=definition,
            attached_to_id=attached_to,
            cancel_activity=cancel_activity,
        )

    # activities

    def multi_instance(self, raw: RawNode) -> MultiInstance | None:
        standard = [c for c in raw.el if is_bpmn(c, "standardLoopCharacteristics")]
        if standard:
            self.problems.add(
                raw.id, "standard loop characteristics are not supported; use multi-instance"
            )
        found = [c for c in raw.el if is_bpmn(c, "multiInstanceLoopCharacteristics")]
        if not found:
            return None
        mi = found[0]
        if raw.is_event_subprocess:
            self.problems.add(raw.id, "an event subprocess cannot be multi-instance")
            return None
        if any(is_bpmn(c, "loopCardinality") for c in mi):
            self.problems.add(
                raw.id,
                "loopCardinality is not supported; use zeebe:loopCharacteristics inputCollection",
            )
        loops = zeebe_children(mi, "loopCharacteristics")
        if len(loops) != 1:
            self.problems.add(
                raw.id, "must have exactly one 'zeebe:loopCharacteristics' extension element"
            )
            return None
        loop = loops[0]
        input_collection = self.expr.read(
            loop.get("inputCollection"),
            element_id=raw.id,
            what="zeebe:loopCharacteristics inputCollection",
            required=True,
            feel_only=True,
        )
        output_collection = (loop.get("outputCollection") or "").strip() or None
        output_element = self.expr.read(
            loop.get("outputElement"),
            element_id=raw.id,
            what="zeebe:loopCharacteristics outputElement",
            feel_only=True,
        )
        if (output_collection is None) != (output_element is None):
            self.problems.add(
                raw.id,
                "zeebe:loopCharacteristics outputCollection and outputElement must be set together",
            )
        completion: Expression | None = None
        for child in mi:
            if is_bpmn(child, "completionCondition"):
                completion = self.expr.read(
                    child.text or "",
                    element_id=raw.id,
                    what="completionCondition",
                    required=True,
                    feel_only=True,
                )
        if input_collection is None:
            return None
        return MultiInstance(
            sequential=parse_bool(mi.get("isSequential"), False),
            input_collection=input_collection,
            input_element=(loop.get("inputElement") or "").strip() or None,
            output_collection=output_collection,
            output_element=output_element,
            completion_condition=completion,
        )

    def _build_task(self, raw: RawNode) -> FlowNode | None:
        return Task(**self.activity_common(raw), element_type=ElementType.TASK)

    def _build_manualTask(self, raw: RawNode) -> FlowNode | None:
        return Task(**self.activity_common(raw), element_type=ElementType.MANUAL_TASK)

    def _build_serviceTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        return ServiceTask(**values, job=self.ext.job_definition(raw.el, raw.id))

    def _build_sendTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        return SendTask(**values, job=self.ext.job_definition(raw.el, raw.id))

    def _build_businessRuleTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        has_decision = self.ext.has(raw.el, "calledDecision")
        has_job = self.ext.has(raw.el, "taskDefinition")
        if has_decision == has_job:
            self.problems.add(
                raw.id,
                "must have either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition' "
                "extension element",
            )
        decision = self.ext.called_decision(raw.el, raw.id) if has_decision else None
        job = self.ext.job_definition(raw.el, raw.id) if has_job and not has_decision else None
        return BusinessRuleTask(**values, called_decision=decision, job=job)

    def _build_scriptTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        has_script = self.ext.has(raw.el, "script")
        has_job = self.ext.has(raw.el, "taskDefinition")
        if has_script == has_job:
            self.problems.add(
                raw.id,
                "must have either one 'zeebe:script' or one 'zeebe:taskDefinition' extension "
                "element",
            )
        script = self.ext.script(raw.el, raw.id) if has_script else None
        job = self.ext.job_definition(raw.el, raw.id) if has_job and not has_script else None
        return ScriptTask(**values, script=script, job=job)

    def _build_userTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        assignment = self.ext.assignment(raw.el, raw.id)
        form = self.ext.form(raw.el, raw.id, self.forms)
        schedule = self.ext.schedule(raw.el, raw.id)
        priority = self.ext.priority(raw.el, raw.id)
        if zeebe_children(raw.el, "taskDefinition"):
            self.problems.add(
                raw.id, "a user task must not have a zeebe:taskDefinition (its job type is fixed)"
            )
        headers = self.ext.headers(raw.el, raw.id) + user_task_static_headers(
            assignment, form, schedule
        )
        job = JobDefinition(
            type=Expression.static(USER_TASK_JOB_TYPE),
            retries=Expression.static("1"),
            headers=headers,
        )
        return UserTask(
            **values,
            job=job,
            assignment=assignment,
            form=form,
            schedule=schedule,
            priority=priority,
            zeebe_user_task=self.ext.has(raw.el, "userTask"),
        )

    def _build_receiveTask(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        message = self.events.message(raw.el.get("messageRef"), raw.id)
        if message is None:
            return None
        self.require_correlation_key(raw.id, message)
        return ReceiveTask(**values, message=message)

    def _build_callActivity(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        called = self.ext.called_element(raw.el, raw.id)
        if called is None:
            return None
        return CallActivity(**values, called_element=called)

    def _build_subProcess(self, raw: RawNode) -> FlowNode | None:
        values = self.activity_common(raw)
        starts = [i for i in raw.child_ids if self.nodes[i].tag == "startEvent"]
        if len(starts) != 1:
            self.problems.add(raw.id, f"must have exactly one start event, found {len(starts)}")
        start_id = starts[0] if starts else ""
        if raw.is_event_subprocess:
            interrupting = True
            if start_id:
                interrupting = parse_bool(self.nodes[start_id].el.get("isInterrupting"), True)
            if raw.tag == "subProcess" and (self.incoming[raw.id] or self.outgoing[raw.id]):
                self.problems.add(
                    raw.id, "an event subprocess must not have incoming or outgoing sequence flows"
                )
            if values["boundary_event_ids"]:
                self.problems.add(raw.id, "an event subprocess must not have boundary events")
            return EventSubProcess(
                **values,
                start_event_id=start_id,
                interrupting=interrupting,
                child_ids=tuple(raw.child_ids),
                event_subprocess_ids=tuple(raw.event_subprocess_ids),
            )
        return SubProcess(
            **values,
            start_event_id=start_id,
            child_ids=tuple(raw.child_ids),
            event_subprocess_ids=tuple(raw.event_subprocess_ids),
        )

    # gateways

    def _build_exclusiveGateway(self, raw: RawNode) -> FlowNode | None:
        return ExclusiveGateway(**self.common(raw), default_flow_id=raw.el.get("default"))

    def _build_inclusiveGateway(self, raw: RawNode) -> FlowNode | None:
        return InclusiveGateway(**self.common(raw), default_flow_id=raw.el.get("default"))

    def _build_parallelGateway(self, raw: RawNode) -> FlowNode | None:
        return ParallelGateway(**self.common(raw))

    def _build_eventBasedGateway(self, raw: RawNode) -> FlowNode | None:
        return EventBasedGateway(**self.common(raw))
