"""The immutable process model the parser produces and the runtime executes.

Everything here is a frozen, slotted dataclass: a deployed process definition is shared by every
instance (and every thread that reads it), so nothing may change it after parsing. Elements refer
to each other by **id** (strings), never by object reference, which keeps the model acyclic,
cheap to build in one pass and trivially comparable in tests; :class:`Process` offers the fast
lookups (:meth:`Process.element`, :meth:`Process.flow`, :meth:`Process.children`, ...).

Names follow Zeebe where it has one: :class:`ElementType` values are Zeebe's ``BpmnElementType``
names (they end up in records and in the ``element_instance.element_type`` column), extension
attributes keep their ``zeebe:`` meaning and defaults (job retries ``"3"``, variable propagation
``true``...).

Values that Zeebe allows to be FEEL (anything starting with ``=``) are stored as
:class:`Expression`: either a static text or FEEL source. The parser syntax-checks FEEL; the
runtime compiles and evaluates it (and caches compiled forms keyed by the source text).

Compatibility: other engine packages code against these types. Add fields with defaults; never
rename or remove one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

# ----------------------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Expression:
    """A value that is either static text or a FEEL expression (written ``=...`` in the XML).

    ``source`` is the FEEL source *without* the leading ``=`` when ``is_feel``; otherwise it is the
    literal text exactly as written. Keep both cases in one type so the runtime has a single
    "evaluate this value" path: static values are returned as they are (strings), FEEL is
    evaluated against the element's variables.
    """

    source: str
    is_feel: bool = False

    @classmethod
    def parse(cls, raw: str) -> Expression:
        """``"=a + 1"`` → FEEL ``a + 1``; anything else → static text. Leading/trailing blanks
        around ``=`` are tolerated like Zeebe does (``" = x"`` is FEEL)."""
        stripped = raw.strip()
        if stripped.startswith("="):
            return cls(source=stripped[1:].strip(), is_feel=True)
        return cls(source=raw, is_feel=False)

    @classmethod
    def static(cls, value: str) -> Expression:
        return cls(source=value, is_feel=False)

    @classmethod
    def feel(cls, source: str) -> Expression:
        return cls(source=source, is_feel=True)

    @property
    def static_value(self) -> str | None:
        """The literal text when static, ``None`` when the value needs evaluating."""
        return None if self.is_feel else self.source

    def __str__(self) -> str:
        return f"={self.source}" if self.is_feel else self.source


# ---------------------------------------------------------------------------- element types


class ElementType(StrEnum):
    """Zeebe's ``BpmnElementType`` names, as they appear in records and the read model."""

    PROCESS = "PROCESS"
    SUB_PROCESS = "SUB_PROCESS"
    EVENT_SUB_PROCESS = "EVENT_SUB_PROCESS"
    START_EVENT = "START_EVENT"
    INTERMEDIATE_CATCH_EVENT = "INTERMEDIATE_CATCH_EVENT"
    INTERMEDIATE_THROW_EVENT = "INTERMEDIATE_THROW_EVENT"
    BOUNDARY_EVENT = "BOUNDARY_EVENT"
    END_EVENT = "END_EVENT"
    SERVICE_TASK = "SERVICE_TASK"
    RECEIVE_TASK = "RECEIVE_TASK"
    USER_TASK = "USER_TASK"
    MANUAL_TASK = "MANUAL_TASK"
    TASK = "TASK"
    EXCLUSIVE_GATEWAY = "EXCLUSIVE_GATEWAY"
    INCLUSIVE_GATEWAY = "INCLUSIVE_GATEWAY"
    PARALLEL_GATEWAY = "PARALLEL_GATEWAY"
    EVENT_BASED_GATEWAY = "EVENT_BASED_GATEWAY"
    SEQUENCE_FLOW = "SEQUENCE_FLOW"
    MULTI_INSTANCE_BODY = "MULTI_INSTANCE_BODY"
    CALL_ACTIVITY = "CALL_ACTIVITY"
    BUSINESS_RULE_TASK = "BUSINESS_RULE_TASK"
    SCRIPT_TASK = "SCRIPT_TASK"
    SEND_TASK = "SEND_TASK"


class EventKind(StrEnum):
    """Which event definition an event carries (Zeebe's ``BpmnEventType``)."""

    NONE = "NONE"
    MESSAGE = "MESSAGE"
    TIMER = "TIMER"
    ERROR = "ERROR"
    SIGNAL = "SIGNAL"
    TERMINATE = "TERMINATE"
    LINK = "LINK"


class TimerKind(StrEnum):
    """The three BPMN timer flavours: a point in time, a delay, or a repeating cycle."""

    DATE = "timeDate"
    DURATION = "timeDuration"
    CYCLE = "timeCycle"


USER_TASK_JOB_TYPE = "io.camunda.zeebe:userTask"
"""The job type Zeebe gives job-based user tasks (Tasklist's worker activates it)."""


# ------------------------------------------------------------------------- zeebe extensions


@dataclass(frozen=True, slots=True)
class VariableMapping:
    """One ``zeebe:input`` / ``zeebe:output``: evaluate ``source``, store it as ``target``.

    ``source`` is ``None`` when the attribute is absent (Zeebe then assigns ``null``). ``target``
    may be a dotted path (``a.b``) which Zeebe merges into a context variable.
    """

    target: str
    source: Expression | None


@dataclass(frozen=True, slots=True)
class JobDefinition:
    """``zeebe:taskDefinition`` plus ``zeebe:taskHeaders``: what a worker activates.

    ``type`` and ``retries`` may be FEEL (evaluated when the job is created); ``retries`` defaults
    to ``"3"`` as in Zeebe. ``headers`` are static custom headers in document order; for user tasks
    the runtime adds the ``io.camunda.zeebe:*`` headers computed from :class:`UserTask` fields.
    """

    type: Expression
    retries: Expression = field(default_factory=lambda: Expression.static("3"))
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def header_map(self) -> dict[str, str]:
        return dict(self.headers)


@dataclass(frozen=True, slots=True)
class MultiInstance:
    """``bpmn:multiInstanceLoopCharacteristics`` with ``zeebe:loopCharacteristics``.

    ``input_collection`` is FEEL and required (Zeebe has no loop cardinality); each instance gets
    the item as local variable ``input_element`` (when set). ``output_element`` (FEEL) is collected
    into ``output_collection`` in input order. ``completion_condition`` (FEEL) is checked after each
    inner instance completes.
    """

    sequential: bool
    input_collection: Expression
    input_element: str | None = None
    output_collection: str | None = None
    output_element: Expression | None = None
    completion_condition: Expression | None = None


class BindingType(StrEnum):
    """Which version of a called process/decision/form is used (``zeebe:bindingType``).

    ``LATEST`` (the default): the latest deployed version when the element is reached;
    ``DEPLOYMENT``: the version deployed together with this process; ``VERSION_TAG``: the version
    carrying ``version_tag``.
    """

    LATEST = "latest"
    DEPLOYMENT = "deployment"
    VERSION_TAG = "versionTag"


@dataclass(frozen=True, slots=True)
class CalledElement:
    """``zeebe:calledElement`` of a call activity. Both propagation flags default to ``true``."""

    process_id: Expression
    propagate_all_child_variables: bool = True
    propagate_all_parent_variables: bool = True
    binding_type: BindingType = BindingType.LATEST
    version_tag: str | None = None


@dataclass(frozen=True, slots=True)
class CalledDecision:
    """``zeebe:calledDecision`` of a business rule task (DMN evaluated by the engine)."""

    decision_id: Expression
    result_variable: str
    binding_type: BindingType = BindingType.LATEST
    version_tag: str | None = None


@dataclass(frozen=True, slots=True)
class Script:
    """``zeebe:script``: a FEEL expression the engine evaluates itself, no job involved."""

    expression: Expression
    result_variable: str


@dataclass(frozen=True, slots=True)
class UserTaskAssignment:
    """``zeebe:assignmentDefinition``; each value may be FEEL. Candidate lists are kept as written
    (static comma-separated text or a FEEL list) and turned into headers by the runtime."""

    assignee: Expression | None = None
    candidate_groups: Expression | None = None
    candidate_users: Expression | None = None


@dataclass(frozen=True, slots=True)
class UserTaskForm:
    """The form of a user task: ``zeebe:formDefinition formKey|formId|externalReference``.

    An embedded form (``zeebe:userTaskForm`` referenced by ``formKey="camunda-forms:bpmn:ID"``) is
    resolved by the parser into ``form_key`` and ``embedded_form`` (the JSON text).
    """

    form_key: Expression | None = None
    form_id: str | None = None
    external_reference: Expression | None = None
    embedded_form: str | None = None
    binding_type: BindingType = BindingType.LATEST
    version_tag: str | None = None


@dataclass(frozen=True, slots=True)
class UserTaskSchedule:
    """``zeebe:taskSchedule dueDate followUpDate`` (ISO 8601 date-times, may be FEEL)."""

    due_date: Expression | None = None
    follow_up_date: Expression | None = None


# --------------------------------------------------------------------- event definitions


@dataclass(frozen=True, slots=True)
class MessageEventDefinition:
    """A message reference: ``bpmn:message name`` (may be FEEL) and its
    ``zeebe:subscription correlationKey`` (FEEL or static; absent on message start events)."""

    message_id: str
    name: Expression
    correlation_key: Expression | None = None
    kind: EventKind = EventKind.MESSAGE


@dataclass(frozen=True, slots=True)
class TimerEventDefinition:
    """``timeDate`` / ``timeDuration`` / ``timeCycle``. Static values were validated at parse
    time; FEEL values are evaluated at run time and fed to :mod:`engine.model.timers`."""

    timer_kind: TimerKind
    expression: Expression
    kind: EventKind = EventKind.TIMER


@dataclass(frozen=True, slots=True)
class ErrorEventDefinition:
    """An error reference. On throw (end event) ``error_code`` is set (static or FEEL); on catch
    (boundary / event subprocess start) ``error_code is None`` means *catch every error*."""

    error_id: str | None
    error_code: Expression | None
    kind: EventKind = EventKind.ERROR


@dataclass(frozen=True, slots=True)
class SignalEventDefinition:
    """``bpmn:signal name`` (may be FEEL on throw events)."""

    signal_id: str
    name: Expression
    kind: EventKind = EventKind.SIGNAL


@dataclass(frozen=True, slots=True)
class TerminateEventDefinition:
    """A terminate end event: ends every element of its flow scope."""

    kind: EventKind = EventKind.TERMINATE


@dataclass(frozen=True, slots=True)
class LinkEventDefinition:
    """A link throw/catch pair within one flow scope, matched by ``name``."""

    name: str
    kind: EventKind = EventKind.LINK


EventDefinition = (
    MessageEventDefinition
    | TimerEventDefinition
    | ErrorEventDefinition
    | SignalEventDefinition
    | TerminateEventDefinition
    | LinkEventDefinition
)


# ------------------------------------------------------------------------------- flow nodes


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceFlow:
    """A sequence flow. ``condition`` is FEEL (exclusive / inclusive gateway outgoing flows);
    ``is_default`` is true when the source gateway/activity names it as its ``default``."""

    id: str
    name: str | None = None
    source_id: str
    target_id: str
    flow_scope_id: str
    condition: Expression | None = None
    is_default: bool = False
    documentation: str | None = None
    element_type: ElementType = ElementType.SEQUENCE_FLOW


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowNode:
    """What every element of a process graph has.

    ``flow_scope_id`` is the id of the process or (event) subprocess directly containing the node.
    ``incoming`` / ``outgoing`` are sequence flow ids in document order. ``job`` is set when the
    node is executed by a job worker (service tasks, but also message end/throw events with a
    ``zeebe:taskDefinition``); the runtime's job behaviour keys off it alone.
    """

    id: str
    name: str | None = None
    element_type: ElementType
    flow_scope_id: str
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    documentation: str | None = None
    input_mappings: tuple[VariableMapping, ...] = ()
    output_mappings: tuple[VariableMapping, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    job: JobDefinition | None = None


# ---- events


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(FlowNode):
    """Base of all events; ``event_definition is None`` for none events."""

    event_definition: EventDefinition | None = None

    @property
    def event_kind(self) -> EventKind:
        return EventKind.NONE if self.event_definition is None else self.event_definition.kind


@dataclass(frozen=True, slots=True, kw_only=True)
class StartEvent(Event):
    """A start event of a process, subprocess or event subprocess.

    ``interrupting`` only matters for event subprocess starts (``isInterrupting``, default true).
    """

    element_type: ElementType = ElementType.START_EVENT
    interrupting: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class EndEvent(Event):
    """None, error, terminate, signal, or message end event (the last is a job)."""

    element_type: ElementType = ElementType.END_EVENT


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateCatchEvent(Event):
    """Timer, message, signal or link catch event; waits in place."""

    element_type: ElementType = ElementType.INTERMEDIATE_CATCH_EVENT


@dataclass(frozen=True, slots=True, kw_only=True)
class IntermediateThrowEvent(Event):
    """None (pass-through), message (job), signal (broadcast) or link (jump) throw event."""

    element_type: ElementType = ElementType.INTERMEDIATE_THROW_EVENT


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundaryEvent(Event):
    """Attached to the activity ``attached_to_id``; ``cancel_activity`` (BPMN ``cancelActivity``,
    default true) tells whether triggering it interrupts the host. Error boundaries always
    interrupt."""

    element_type: ElementType = ElementType.BOUNDARY_EVENT
    attached_to_id: str
    cancel_activity: bool = True


# ---- activities


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity(FlowNode):
    """Anything that can carry boundary events and multi-instance characteristics.

    ``default_flow_id``: an activity may name a default outgoing flow (conditional flows out of
    activities are refused, so it is only informative). ``boundary_event_ids`` in document order.
    """

    boundary_event_ids: tuple[str, ...] = ()
    multi_instance: MultiInstance | None = None
    default_flow_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Task(Activity):
    """``bpmn:task`` and ``bpmn:manualTask``: pass straight through (element_type tells which)."""

    element_type: ElementType = ElementType.TASK


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceTask(Activity):
    """A job for a worker; ``job`` is always set."""

    element_type: ElementType = ElementType.SERVICE_TASK


@dataclass(frozen=True, slots=True, kw_only=True)
class SendTask(Activity):
    """Like a service task: a job (Zeebe has no built-in message sending)."""

    element_type: ElementType = ElementType.SEND_TASK


@dataclass(frozen=True, slots=True, kw_only=True)
class BusinessRuleTask(Activity):
    """Either ``called_decision`` (engine evaluates DMN) or ``job`` is set, never both."""

    element_type: ElementType = ElementType.BUSINESS_RULE_TASK
    called_decision: CalledDecision | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScriptTask(Activity):
    """Either ``script`` (engine evaluates FEEL) or ``job`` is set, never both."""

    element_type: ElementType = ElementType.SCRIPT_TASK
    script: Script | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UserTask(Activity):
    """A job-based user task: ``job.type`` is ``io.camunda.zeebe:userTask``.

    Zeebe gives the job these headers: ``io.camunda.zeebe:assignee``,
    ``io.camunda.zeebe:candidateGroups`` / ``candidateUsers`` (JSON arrays),
    ``io.camunda.zeebe:formKey``, ``io.camunda.zeebe:dueDate``, ``io.camunda.zeebe:followUpDate``.
    The parser already put the ones with static values into ``job.headers``; FEEL values are
    left here for the runtime to evaluate when it creates the job (job retries are ``1``, as in
    Zeebe). ``zeebe_user_task`` records a ``<zeebe:userTask/>`` marker (Camunda user task); we
    still run it as a job-based user task.
    """

    element_type: ElementType = ElementType.USER_TASK
    assignment: UserTaskAssignment = field(default_factory=UserTaskAssignment)
    form: UserTaskForm = field(default_factory=UserTaskForm)
    schedule: UserTaskSchedule = field(default_factory=UserTaskSchedule)
    priority: Expression | None = None
    zeebe_user_task: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveTask(Activity):
    """Waits for a message; ``message.correlation_key`` is always set."""

    element_type: ElementType = ElementType.RECEIVE_TASK
    message: MessageEventDefinition


@dataclass(frozen=True, slots=True, kw_only=True)
class CallActivity(Activity):
    """Starts an instance of another process (``called_element.process_id``, latest version)."""

    element_type: ElementType = ElementType.CALL_ACTIVITY
    called_element: CalledElement


@dataclass(frozen=True, slots=True, kw_only=True)
class SubProcess(Activity):
    """An embedded subprocess: a flow scope of its own.

    ``start_event_id`` is its (single, none) start event. ``child_ids`` are the ids of its direct
    children (flow nodes, not flows) in document order, including boundary events and event
    subprocesses; ``event_subprocess_ids`` are the event subprocesses directly inside it.
    """

    element_type: ElementType = ElementType.SUB_PROCESS
    start_event_id: str
    child_ids: tuple[str, ...] = ()
    event_subprocess_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class EventSubProcess(Activity):
    """``bpmn:subProcess triggeredByEvent="true"``: started by its single start event (timer,
    message, error or signal). ``interrupting`` mirrors that start event's ``isInterrupting``."""

    element_type: ElementType = ElementType.EVENT_SUB_PROCESS
    start_event_id: str
    interrupting: bool = True
    child_ids: tuple[str, ...] = ()
    event_subprocess_ids: tuple[str, ...] = ()


# ---- gateways


@dataclass(frozen=True, slots=True, kw_only=True)
class Gateway(FlowNode):
    """Base of gateways. ``default_flow_id`` is used by exclusive and inclusive gateways."""

    default_flow_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ExclusiveGateway(Gateway):
    """Takes the first outgoing flow (document order) whose condition is true, else the default;
    none true and no default → incident."""

    element_type: ElementType = ElementType.EXCLUSIVE_GATEWAY


@dataclass(frozen=True, slots=True, kw_only=True)
class InclusiveGateway(Gateway):
    """Fork: takes every flow whose condition is true (default when none); join: waits for all
    tokens that can still arrive."""

    element_type: ElementType = ElementType.INCLUSIVE_GATEWAY


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelGateway(Gateway):
    """Fork: all outgoing flows; join: one token from every incoming flow."""

    element_type: ElementType = ElementType.PARALLEL_GATEWAY


@dataclass(frozen=True, slots=True, kw_only=True)
class EventBasedGateway(Gateway):
    """Waits for the first of its targets (catch events or receive tasks) to trigger."""

    element_type: ElementType = ElementType.EVENT_BASED_GATEWAY


# ------------------------------------------------------------------------------ definitions


@dataclass(frozen=True, slots=True)
class Message:
    """``bpmn:message`` as declared on the definitions element."""

    id: str
    name: Expression | None
    correlation_key: Expression | None = None


@dataclass(frozen=True, slots=True)
class Error:
    """``bpmn:error``; ``error_code`` may be FEEL (only meaningful on throw)."""

    id: str
    name: str | None
    error_code: Expression | None


@dataclass(frozen=True, slots=True)
class Signal:
    """``bpmn:signal``."""

    id: str
    name: Expression | None


ScopeNode = SubProcess | EventSubProcess
"""Flow nodes that are flow scopes of their own."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Process:
    """One executable (or not) ``bpmn:process``: the unit that gets deployed and versioned.

    ``elements`` maps every flow node id of the process (at any depth) to its node, ``flows`` every
    sequence flow id to its flow. The process is itself the flow scope of its top-level elements
    (``flow_scope_id == process.id``). ``start_event_id`` is the none start event (``None`` when
    the process only starts by message/timer/signal); ``start_event_ids`` lists every top-level
    start event. Identity semantics (``eq=False``) since the maps are not hashable.
    """

    id: str
    name: str | None = None
    is_executable: bool = True
    documentation: str | None = None
    resource_name: str = ""
    elements: Mapping[str, FlowNode] = field(default_factory=lambda: MappingProxyType({}))
    flows: Mapping[str, SequenceFlow] = field(default_factory=lambda: MappingProxyType({}))
    child_ids: tuple[str, ...] = ()
    start_event_id: str | None = None
    start_event_ids: tuple[str, ...] = ()
    event_subprocess_ids: tuple[str, ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    messages: Mapping[str, Message] = field(default_factory=lambda: MappingProxyType({}))
    errors: Mapping[str, Error] = field(default_factory=lambda: MappingProxyType({}))
    signals: Mapping[str, Signal] = field(default_factory=lambda: MappingProxyType({}))
    element_type: ElementType = ElementType.PROCESS
    version_tag: str | None = None  # zeebe:versionTag value, for bindingType="versionTag"

    # -- lookups

    def element(self, element_id: str) -> FlowNode:
        """The flow node with this id; ``KeyError`` naming the id when there is none."""
        try:
            return self.elements[element_id]
        except KeyError:
            raise KeyError(f"process '{self.id}' has no element '{element_id}'") from None

    def flow(self, flow_id: str) -> SequenceFlow:
        try:
            return self.flows[flow_id]
        except KeyError:
            raise KeyError(f"process '{self.id}' has no sequence flow '{flow_id}'") from None

    def has_element(self, element_id: str) -> bool:
        return element_id in self.elements

    def scope_of(self, element_id: str) -> Process | SubProcess | EventSubProcess:
        """The flow scope containing ``element_id`` (the process itself at top level)."""
        scope_id = self.element(element_id).flow_scope_id
        if scope_id == self.id:
            return self
        scope = self.elements[scope_id]
        assert isinstance(scope, SubProcess | EventSubProcess)
        return scope

    def children(self, scope_id: str) -> tuple[FlowNode, ...]:
        """Direct children of the process (``scope_id == process.id``) or of a subprocess."""
        if scope_id == self.id:
            ids = self.child_ids
        else:
            scope = self.element(scope_id)
            if not isinstance(scope, SubProcess | EventSubProcess):
                raise KeyError(f"element '{scope_id}' is not a flow scope")
            ids = scope.child_ids
        return tuple(self.elements[i] for i in ids if i in self.elements)

    def event_subprocesses(self, scope_id: str) -> tuple[EventSubProcess, ...]:
        """Event subprocesses directly inside the given scope."""
        if scope_id == self.id:
            ids = self.event_subprocess_ids
        else:
            scope = self.element(scope_id)
            is_scope = isinstance(scope, SubProcess | EventSubProcess)
            ids = scope.event_subprocess_ids if is_scope else ()  # type: ignore[attr-defined]
        return tuple(self.elements[i] for i in ids)  # type: ignore[misc]

    def boundary_events(self, host_id: str) -> tuple[BoundaryEvent, ...]:
        """Boundary events attached to ``host_id`` in document order."""
        host = self.element(host_id)
        if not isinstance(host, Activity):
            return ()
        return tuple(self.elements[i] for i in host.boundary_event_ids)  # type: ignore[misc]

    def outgoing_flows(self, element_id: str) -> tuple[SequenceFlow, ...]:
        return tuple(self.flows[f] for f in self.element(element_id).outgoing)

    def incoming_flows(self, element_id: str) -> tuple[SequenceFlow, ...]:
        return tuple(self.flows[f] for f in self.element(element_id).incoming)

    def start_events(self) -> tuple[StartEvent, ...]:
        """Top-level start events (none, message, timer, signal) in document order."""
        return tuple(self.elements[i] for i in self.start_event_ids)  # type: ignore[misc]

    def iter_elements(self) -> Iterator[FlowNode]:
        return iter(self.elements.values())


FlowScope = Process | SubProcess | EventSubProcess
