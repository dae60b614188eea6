"""Builders for events: start, end, intermediate catch/throw and boundary events.

Where an event sits decides which definitions it may carry (a process start may be a timer with
a date or a cycle, an interrupting boundary timer may not cycle, an error catch always
interrupts...): those placement rules are checked here, with Zeebe's wording.
"""

from __future__ import annotations

from engine.model.build_base import BuilderBase, RawNode
from engine.model.elements import (
    BoundaryEvent,
    EndEvent,
    EventDefinition,
    EventKind,
    Expression,
    FlowNode,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    JobDefinition,
    MessageEventDefinition,
    SignalEventDefinition,
    StartEvent,
    TimerEventDefinition,
    TimerKind,
)
from engine.model.expressions import constant_string, evaluate_constant
from engine.model.extensions import parse_bool, zeebe_children
from engine.model.namespaces import is_bpmn, local_name
from engine.model.timers import TimerFormatError, timer_schedule


class EventBuilders(BuilderBase):
    """``_build_<tag>`` for each event tag; ``parser._ProcessBuilder`` dispatches by tag."""

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
