"""Graph rules a built process must satisfy before it is deployed.

These are the structural checks of Zeebe's deployment validation (its ``ProcessValidator``,
``SubProcessValidator``, ``SequenceFlowValidator``, gateway, boundary and link validators), read
for behaviour and written again here: flows connect existing nodes of one scope, start and end
events sit where they may, gateways agree with their flows, catch events of one scope do not
compete for the same message, signal or error.

Every rule reports through :class:`~engine.model.problems.Problems` naming the element. The
functions tolerate elements that failed to build (they are simply absent from the process), so
one broken task does not hide the other problems of the diagram.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from engine.model.elements import (
    Activity,
    BoundaryEvent,
    EndEvent,
    ErrorEventDefinition,
    Event,
    EventBasedGateway,
    EventKind,
    EventSubProcess,
    ExclusiveGateway,
    FlowNode,
    InclusiveGateway,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    LinkEventDefinition,
    MessageEventDefinition,
    Process,
    SignalEventDefinition,
    StartEvent,
    SubProcess,
)
from engine.model.problems import Problems


def validate_process(
    process: Process, problems: Problems, reported_ids: Iterable[str] = ()
) -> None:
    """Check the graph rules; ``reported_ids`` are elements that already have a problem (they
    were refused or failed to build), so references to them are not reported again."""
    _flows(process, problems, set(reported_ids))
    _start_and_end_events(process, problems)
    _scopes(process, problems)
    _boundary_events(process, problems)
    _gateways(process, problems)
    _links(process, problems)


# ----------------------------------------------------------------------------------- flows


def _flows(process: Process, problems: Problems, reported_ids: set[str]) -> None:
    for flow in process.flows.values():
        for role, ref in (("source", flow.source_id), ("target", flow.target_id)):
            if not ref or ref in reported_ids:
                continue
            node = process.elements.get(ref)
            if node is None:
                problems.add(
                    flow.id, f"sequence flow {role} '{ref}' is not a flow node of this process"
                )
            elif node.flow_scope_id != flow.flow_scope_id:
                problems.add(
                    flow.id,
                    f"sequence flow connects elements of different scopes: its {role} '{ref}' "
                    f"is in '{node.flow_scope_id}', the flow is in '{flow.flow_scope_id}'",
                )
        source = process.elements.get(flow.source_id)
        if (
            flow.condition is not None
            and source is not None
            and not isinstance(source, ExclusiveGateway | InclusiveGateway)
        ):
            problems.add(
                flow.id,
                "conditional sequence flows are only supported at exclusive or inclusive "
                f"gateways (source '{source.id}' is {_kind(source)})",
            )


# ---------------------------------------------------------------------------- start / end


def _start_and_end_events(process: Process, problems: Problems) -> None:
    for node in process.elements.values():
        if isinstance(node, StartEvent) and node.incoming:
            problems.add(node.id, "start events must not have incoming sequence flows")
        if isinstance(node, EndEvent) and node.outgoing:
            problems.add(node.id, "end events must not have outgoing sequence flows")
        if isinstance(node, BoundaryEvent) and node.incoming:
            problems.add(node.id, "boundary events must not have incoming sequence flows")

    top_starts = [n for n in process.children(process.id) if isinstance(n, StartEvent)]
    if not top_starts:
        problems.add(process.id, "must have at least one start event")
    none_starts = [s for s in top_starts if s.event_definition is None]
    if len(none_starts) > 1:
        problems.add(
            process.id,
            "multiple none start events are not allowed ("
            + ", ".join(f"'{s.id}'" for s in none_starts)
            + ")",
        )
    _no_duplicate_names(
        process.id,
        [s.event_definition for s in top_starts if s.event_definition is not None],
        problems,
    )
    message_refs = Counter(
        s.event_definition.message_id
        for s in top_starts
        if isinstance(s.event_definition, MessageEventDefinition)
    )
    for message_id, count in message_refs.items():
        if count > 1:
            problems.add(message_id, "a message cannot be referred by more than one start event")


def _no_duplicate_names(scope_id: str, definitions: Iterable[object], problems: Problems) -> None:
    """Two catch events waiting in one scope for the same message/signal name are ambiguous."""
    messages: Counter[str] = Counter()
    signals: Counter[str] = Counter()
    for definition in definitions:
        if isinstance(definition, MessageEventDefinition | SignalEventDefinition):
            expression = definition.name
            if expression.is_feel or not expression.source:
                continue  # dynamic names can only clash at run time
            counter = messages if isinstance(definition, MessageEventDefinition) else signals
            counter[expression.source] += 1
    for name, count in messages.items():
        if count > 1:
            problems.add(
                scope_id,
                f"multiple message event definitions with the same name '{name}' are not allowed",
            )
    for name, count in signals.items():
        if count > 1:
            problems.add(
                scope_id,
                f"multiple signal event definitions with the same name '{name}' are not allowed",
            )


def _no_duplicate_error_catches(
    scope_id: str, definitions: Iterable[object], problems: Problems
) -> None:
    catch_all = 0
    codes: Counter[str] = Counter()
    for definition in definitions:
        if not isinstance(definition, ErrorEventDefinition):
            continue
        if definition.error_code is None:
            catch_all += 1
        else:
            codes[definition.error_code.source] += 1
    if catch_all > 1:
        problems.add(
            scope_id,
            "the same scope can not contain more than one error catch event without error code "
            "(an error catch event without error code catches all errors)",
        )
    for code, count in codes.items():
        if count > 1:
            problems.add(
                scope_id,
                f"multiple error catch events with the same error code '{code}' are not "
                "supported on the same scope",
            )


# ---------------------------------------------------------------------------------- scopes


def _scopes(process: Process, problems: Problems) -> None:
    scope_ids = [process.id] + [
        n.id for n in process.elements.values() if isinstance(n, SubProcess | EventSubProcess)
    ]
    for scope_id in scope_ids:
        event_subprocesses = [
            n for n in process.children(scope_id) if isinstance(n, EventSubProcess)
        ]
        starts = [_start_of(process, esp) for esp in event_subprocesses]
        definitions = [s.event_definition for s in starts if s is not None]
        _no_duplicate_names(scope_id, definitions, problems)
        _no_duplicate_error_catches(scope_id, definitions, problems)


def _start_of(process: Process, scope: SubProcess | EventSubProcess) -> StartEvent | None:
    node = process.elements.get(scope.start_event_id)
    return node if isinstance(node, StartEvent) else None


# -------------------------------------------------------------------------------- boundary


def _boundary_events(process: Process, problems: Problems) -> None:
    hosts: dict[str, list[BoundaryEvent]] = {}
    for node in process.elements.values():
        if not isinstance(node, BoundaryEvent) or not node.attached_to_id:
            continue
        host = process.elements.get(node.attached_to_id)
        if host is None:
            problems.add(
                node.id, f"is attached to '{node.attached_to_id}', which is not an element"
            )
            continue
        if not isinstance(host, Activity) or isinstance(host, EventSubProcess):
            problems.add(node.id, f"must be attached to an activity, '{host.id}' is {_kind(host)}")
            continue
        if host.flow_scope_id != node.flow_scope_id:
            problems.add(
                node.id, f"must be in the same scope as the activity '{host.id}' it is attached to"
            )
        hosts.setdefault(host.id, []).append(node)
    for host_id, events in hosts.items():
        definitions = [e.event_definition for e in events]
        _no_duplicate_names(host_id, definitions, problems)
        _no_duplicate_error_catches(host_id, definitions, problems)


# -------------------------------------------------------------------------------- gateways


def _gateways(process: Process, problems: Problems) -> None:
    for node in process.elements.values():
        if isinstance(node, ExclusiveGateway | InclusiveGateway):
            _conditional_gateway(process, node, problems)
        elif isinstance(node, EventBasedGateway):
            _event_based_gateway(process, node, problems)


def _conditional_gateway(
    process: Process, gateway: ExclusiveGateway | InclusiveGateway, problems: Problems
) -> None:
    default = gateway.default_flow_id
    if default is not None:
        flow = process.flows.get(default)
        if flow is None or flow.source_id != gateway.id:
            problems.add(
                gateway.id, f"default flow '{default}' must be an outgoing flow of the gateway"
            )
        # A condition on the default flow is allowed (and ignored), as in Zeebe.
    outgoing = [process.flows[f] for f in gateway.outgoing if f in process.flows]
    if len(outgoing) > 1:
        for flow in outgoing:
            if flow.id != default and flow.condition is None:
                problems.add(
                    flow.id,
                    f"sequence flow leaving {_kind(gateway)} '{gateway.id}' must have a condition "
                    "or be the gateway's default flow",
                )


def _event_based_gateway(process: Process, gateway: EventBasedGateway, problems: Problems) -> None:
    if len(gateway.outgoing) < 2:
        problems.add(gateway.id, "event-based gateway must have at least 2 outgoing sequence flows")
    definitions = []
    for flow_id in gateway.outgoing:
        flow = process.flows.get(flow_id)
        if flow is None:
            continue
        target = process.elements.get(flow.target_id)
        if target is None:
            continue
        ok = isinstance(target, IntermediateCatchEvent) and target.event_kind in (
            EventKind.MESSAGE,
            EventKind.TIMER,
            EventKind.SIGNAL,
        )
        if not ok:
            problems.add(
                gateway.id,
                "event-based gateway must not have an outgoing sequence flow to other elements "
                f"than message/timer/signal intermediate catch events ('{target.id}' is "
                f"{_kind(target)})",
            )
            continue
        assert isinstance(target, IntermediateCatchEvent)
        definitions.append(target.event_definition)
        if len(target.incoming) > 1:
            problems.add(
                target.id,
                "target elements of an event-based gateway must not have any additional incoming "
                "sequence flows other than that from the event-based gateway",
            )
    _no_duplicate_names(gateway.id, definitions, problems)


# ----------------------------------------------------------------------------------- links


def _links(process: Process, problems: Problems) -> None:
    catches: dict[str, Counter[str]] = {}
    throws: list[IntermediateThrowEvent] = []
    for node in process.elements.values():
        if not isinstance(node, Event) or not isinstance(
            node.event_definition, LinkEventDefinition
        ):
            continue
        name = node.event_definition.name
        if isinstance(node, IntermediateCatchEvent):
            catches.setdefault(node.flow_scope_id, Counter())[name] += 1
            if node.incoming:
                problems.add(node.id, "link catch events must not have incoming sequence flows")
        elif isinstance(node, IntermediateThrowEvent):
            throws.append(node)
            if node.outgoing:
                problems.add(node.id, "link throw events must not have outgoing sequence flows")
    for scope_id, names in catches.items():
        for name, count in names.items():
            if name and count > 1:
                problems.add(
                    scope_id,
                    f"multiple intermediate catch link event definitions with the same name "
                    f"'{name}' are not allowed",
                )
    for throw in throws:
        assert isinstance(throw.event_definition, LinkEventDefinition)
        name = throw.event_definition.name
        if name and name not in catches.get(throw.flow_scope_id, Counter()):
            problems.add(
                throw.id, f"can't find a catch link event for the throw link event named '{name}'"
            )


def _kind(node: FlowNode) -> str:
    """'a service task', 'an exclusive gateway' — for messages."""
    words = node.element_type.value.lower().replace("_", " ")
    return ("an " if words[0] in "aeiou" else "a ") + words
