"""Event subscriptions (timers, messages, signals) and what happens when one triggers.

A subscription belongs to an *owner* element instance and is closed when the owner completes or
is terminated: the waiting catch event / receive task / event-based gateway itself, the host
activity of boundary events, or the flow scope of event subprocesses. Timer start events of a
process belong to its definition (``pi_key == -1``).

Triggering dispatches on the subscribed element: a boundary event (interrupting or not), an
event subprocess start (interrupting or not), a target of an event-based gateway, or the waiting
element itself.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from engine.model.elements import (
    Activity,
    BoundaryEvent,
    ElementType,
    EventSubProcess,
    FlowNode,
    MessageEventDefinition,
    ReceiveTask,
    SignalEventDefinition,
    StartEvent,
    TimerEventDefinition,
    TimerKind,
)
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import (
    ACTIVATED,
    ElementInstance,
    Message,
    MessageSubscription,
    SignalSubscription,
    Timer,
)
from engine.runtime.expressions import ExpressionFailure, StepFailure
from engine.runtime.state import DUE_TIMER
from engine.runtime.timer_expressions import (
    TimerValueError,
    coerce_text,
    parse_cycle,
    parse_date,
    parse_duration,
)

if TYPE_CHECKING:
    from engine.runtime.machine import Machine


class EventBehavior:
    def __init__(self, m: Machine) -> None:
        self.m = m
        self.s = m.s
        self._msg_starts: dict[tuple[str, str], list[tuple[ProcessDefinition, str]]] | None = None
        self._signal_starts: dict[str, list[tuple[ProcessDefinition, str]]] | None = None

    # ------------------------------------------------------------------ opening

    def open_boundary_events(self, host: ElementInstance, el: Activity) -> None:
        process = self.m.process(host)
        for be_id in el.boundary_event_ids:
            be = process.elements[be_id]
            assert isinstance(be, BoundaryEvent)
            self._open(host, be, be.event_definition, host, be.cancel_activity)

    def open_event_subprocesses(self, scope: ElementInstance, esp_ids: Sequence[str]) -> None:
        process = self.m.process(scope)
        for esp_id in esp_ids:
            esp = process.elements[esp_id]
            assert isinstance(esp, EventSubProcess)
            start = process.elements[esp.start_event_id]
            assert isinstance(start, StartEvent)
            self._open(scope, start, start.event_definition, scope, start.interrupting)

    def open_for_element(
        self, owner: ElementInstance, el: FlowNode, ctx_ei: ElementInstance
    ) -> None:
        """The waiting element itself (catch event) or a target of an event-based gateway."""
        if isinstance(el, ReceiveTask):
            self.open_message(owner, el, el.message, ctx_ei, el.id)
            return
        self._open(owner, el, getattr(el, "event_definition", None), ctx_ei, True)

    def _open(
        self,
        owner: ElementInstance,
        el: FlowNode,
        definition: Any,
        ctx_ei: ElementInstance,
        interrupting: bool,
    ) -> None:
        if isinstance(definition, TimerEventDefinition):
            self.open_timer(owner, el, definition, ctx_ei, interrupting)
        elif isinstance(definition, MessageEventDefinition):
            self.open_message(owner, el, definition, ctx_ei, el.id, interrupting)
        elif isinstance(definition, SignalEventDefinition):
            self.open_signal(owner, el, definition, ctx_ei, interrupting)

    # ---- timers

    def evaluate_timer(
        self, definition: TimerEventDefinition, variables: Mapping[str, Any], element_id: str
    ) -> tuple[int, int, str]:
        """(due ms, repetitions, cycle text) for a timer definition, or StepFailure."""
        m = self.m
        try:
            value = m.expr.evaluate(definition.expression, variables)
            text = coerce_text(value)
            if definition.timer_kind == TimerKind.DATE:
                return parse_date(text), 1, ""
            if definition.timer_kind == TimerKind.DURATION:
                return parse_duration(text).add_to(m.now), 1, ""
            cycle = parse_cycle(text)
            return cycle.first_due(m.now), cycle.repetitions, text
        except (ExpressionFailure, TimerValueError) as exc:
            reason = exc.message if isinstance(exc, ExpressionFailure) else str(exc)
            raise StepFailure(
                f"Failed to evaluate the timer of element '{element_id}': {reason}",
                "EXTRACT_VALUE_ERROR",
            ) from exc

    def open_timer(
        self,
        owner: ElementInstance,
        el: FlowNode,
        definition: TimerEventDefinition,
        ctx_ei: ElementInstance,
        interrupting: bool,
    ) -> Timer:
        ctx = self.m.context(ctx_ei) if definition.expression.is_feel else {}
        due, reps, cycle = self.evaluate_timer(definition, ctx, el.id)
        timer = Timer(
            self.s.new_key(),
            pi_key=owner.pi_key,
            scope_key=owner.key,
            element_id=el.id,
            def_key=owner.def_key,
            due=due,
            repetitions=reps,
            cycle=cycle,
            interrupting=interrupting,
            tenant=self.m.tenant_of(owner),
        )
        self._add_timer(timer)
        owner.subs.append(timer.key)
        self.s.touch(owner)
        return timer

    def _add_timer(self, timer: Timer) -> None:
        self.s.timers[timer.key] = timer
        self.s.touch(timer)
        self.s.push_due(timer.due, DUE_TIMER, timer.key)
        self._record_timer(timer, "CREATED")

    def _record_timer(self, timer: Timer, intent: str) -> None:
        self.s.record(
            timer.key,
            "EVENT",
            "TIMER",
            intent,
            self.m.now,
            timer.pi_key if timer.pi_key != -1 else None,
            {
                "targetElementId": timer.element_id,
                "dueDate": timer.due,
                "repetitions": timer.repetitions,
                "elementInstanceKey": timer.scope_key,
                "processDefinitionKey": timer.def_key,
            },
        )

    def fire_timer(self, key: int) -> None:
        m = self.m
        timer = self.s.timers.get(key)
        if timer is None or not timer.alive or timer.due > m.now:
            return
        timer.state = "TRIGGERED"
        self.s.touch(timer)
        self._record_timer(timer, "TRIGGERED")
        self.s.timers.pop(key, None)
        owner = self.s.instances.get(timer.scope_key) if timer.scope_key != -1 else None
        if owner is not None and key in owner.subs:
            owner.subs.remove(key)
            self.s.touch(owner)
        repeat = (
            timer.cycle
            and timer.repetitions != 1
            and (not timer.interrupting or timer.pi_key == -1)
        )
        if repeat:
            cycle = parse_cycle(timer.cycle)
            nxt = Timer(
                self.s.new_key(),
                pi_key=timer.pi_key,
                scope_key=timer.scope_key,
                element_id=timer.element_id,
                def_key=timer.def_key,
                due=cycle.next_due(m.now),
                repetitions=timer.repetitions - 1 if timer.repetitions > 0 else -1,
                cycle=timer.cycle,
                interrupting=timer.interrupting,
                tenant=timer.tenant,
            )
            self._add_timer(nxt)
            if owner is not None:
                owner.subs.append(nxt.key)
            elif timer.pi_key == -1:
                keys = self.s.start_timers.setdefault(timer.def_key, [])
                keys.append(nxt.key)
        if timer.pi_key == -1:
            keys = self.s.start_timers.get(timer.def_key, [])
            if key in keys:
                keys.remove(key)
            d = self.s.definitions.by_key.get(timer.def_key)
            if d is not None:
                from engine.runtime.commands import start_instance

                start_instance(m, d, {}, [timer.element_id])
            return
        if owner is None:
            return
        self.trigger(owner, timer.element_id, {}, timer.interrupting)

    def schedule_start_timers(self, d: ProcessDefinition) -> None:
        for start in d.process.start_events():
            definition = start.event_definition
            if isinstance(definition, TimerEventDefinition):
                try:
                    due, reps, cycle = self.evaluate_timer(definition, {}, start.id)
                except StepFailure:
                    continue  # validated at deploy; an expression needing variables can't start
                timer = Timer(
                    self.s.new_key(),
                    pi_key=-1,
                    scope_key=-1,
                    element_id=start.id,
                    def_key=d.key,
                    due=due,
                    repetitions=reps,
                    cycle=cycle,
                    tenant=d.tenant,
                )
                self._add_timer(timer)
                self.s.start_timers.setdefault(d.key, []).append(timer.key)

    def cancel_start_timers(self, d: ProcessDefinition) -> None:
        for key in self.s.start_timers.pop(d.key, []):
            timer = self.s.timers.pop(key, None)
            if timer is not None and timer.alive:
                timer.state = "CANCELED"
                self.s.touch(timer)
                self._record_timer(timer, "CANCELED")

    # ---- messages

    def open_message(
        self,
        owner: ElementInstance,
        el: FlowNode,
        definition: MessageEventDefinition,
        ctx_ei: ElementInstance,
        element_id: str,
        interrupting: bool = True,
    ) -> MessageSubscription:
        m = self.m
        ctx = m.context(ctx_ei)
        try:
            name = m.expr.string(definition.name, ctx)
        except ExpressionFailure as exc:
            raise StepFailure(
                f"Failed to evaluate the message name of element '{element_id}': {exc.message}",
                "EXTRACT_VALUE_ERROR",
            ) from exc
        ck_expr = definition.correlation_key
        ck = ""
        if ck_expr is not None:
            try:
                ck = m.expr.string(ck_expr, ctx, allow_number=True)
            except ExpressionFailure as exc:
                raise StepFailure(
                    f"Failed to extract the correlation key for '{ck_expr.source}' of element "
                    f"'{element_id}': The value must be either a string or a number. "
                    f"{exc.message}",
                    "EXTRACT_VALUE_ERROR",
                ) from exc
        sub = MessageSubscription(
            self.s.new_key(),
            pi_key=owner.pi_key,
            scope_key=owner.key,
            element_id=element_id,
            name=name,
            ck=ck,
            tenant=m.tenant_of(owner),
            interrupting=interrupting,
            def_key=owner.def_key,
        )
        self.s.msubs[sub.key] = sub
        self.s.touch(sub)
        self.s.index_msub(sub)
        owner.subs.append(sub.key)
        self.s.touch(owner)
        self._record_sub(sub, "CREATED")
        return sub

    def _record_sub(self, sub: MessageSubscription, intent: str, message_key: int = 0) -> None:
        self.s.record(
            sub.key,
            "EVENT",
            "PROCESS_MESSAGE_SUBSCRIPTION",
            intent,
            self.m.now,
            sub.pi_key,
            {
                "messageName": sub.name,
                "correlationKey": sub.ck,
                "elementId": sub.element_id,
                "elementInstanceKey": sub.scope_key,
                "messageKey": message_key,
                "interrupting": sub.interrupting,
            },
        )

    def after_open(self, owner: ElementInstance) -> None:
        """Once the owner is ACTIVATED: correlate messages buffered for its subscriptions."""
        for key in list(owner.subs):
            if key in self.s.msubs:
                self.m.later(functools.partial(self._correlate_buffered, key))

    def _correlate_buffered(self, sub_key: int) -> None:
        sub = self.s.msubs.get(sub_key)
        if sub is None or not sub.alive:
            return
        owner = self.s.instances.get(sub.scope_key)
        if owner is None or owner.state != ACTIVATED:
            return
        bucket = self.s.msgs_by_corr.get((sub.tenant, sub.name, sub.ck))
        if not bucket:
            return
        for msg_key in list(bucket):
            msg = self.s.messages.get(msg_key)
            if msg is None or not msg.alive or msg.deadline <= self.m.now:
                continue
            if self._process_id(sub) in msg.correlated:
                continue
            self.correlate(msg, sub)
            return

    def _process_id(self, sub: MessageSubscription) -> str:
        d = self.s.definitions.by_key.get(sub.def_key)
        return d.bpmn_process_id if d is not None else str(sub.def_key)

    def correlate(self, msg: Message, sub: MessageSubscription) -> None:
        msg.correlated.append(self._process_id(sub))
        if msg.key in self.s.messages:
            self.s.touch(msg)
        self._record_sub(sub, "CORRELATED", msg.key)
        owner = self.s.instances.get(sub.scope_key)
        if owner is None:
            return
        self.trigger(owner, sub.element_id, dict(msg.variables), sub.interrupting)

    def publish(self, msg: Message) -> None:
        """Correlate a just-published message to open subscriptions and message start events."""
        m = self.m
        bucket = self.s.msubs_by_corr.get((msg.tenant, msg.name, msg.ck))
        if bucket:
            for sub_key in list(bucket):
                sub = self.s.msubs.get(sub_key)
                if sub is None or not sub.alive or self._process_id(sub) in msg.correlated:
                    continue
                owner = self.s.instances.get(sub.scope_key)
                if owner is None or owner.state != ACTIVATED:
                    continue
                self.correlate(msg, sub)
                m.run_work()
        self.start_by_message(msg)

    def _message_starts(self) -> dict[tuple[str, str], list[tuple[ProcessDefinition, str]]]:
        if self._msg_starts is None:
            index: dict[tuple[str, str], list[tuple[ProcessDefinition, str]]] = {}
            for d in self.s.definitions.latest.values():
                for start in d.process.start_events():
                    definition = start.event_definition
                    if isinstance(definition, MessageEventDefinition):
                        name = definition.name.static_value
                        if name is None:
                            try:
                                name = self.m.expr.string(definition.name, {})
                            except ExpressionFailure:
                                continue
                        index.setdefault((d.tenant, name), []).append((d, start.id))
            self._msg_starts = index
        return self._msg_starts

    def definitions_changed(self) -> None:
        self._msg_starts = None
        self._signal_starts = None

    def start_by_message(self, msg: Message) -> None:
        from engine.runtime.commands import start_instance

        for d, start_id in self._message_starts().get((msg.tenant, msg.name), []):
            if d.bpmn_process_id in msg.correlated:
                continue
            lock = (d.tenant, d.bpmn_process_id, msg.ck)
            if msg.ck and lock in self.s.msg_start_locks:
                continue
            msg.correlated.append(d.bpmn_process_id)
            if msg.key in self.s.messages:
                self.s.touch(msg)
            root = start_instance(self.m, d, dict(msg.variables), [start_id], message=msg)
            if msg.ck:
                root.msg_start_ck = msg.ck
                root.msg_start_name = msg.name
                self.s.msg_start_locks[lock] = root.key
                self.s.touch(root)

    def release_message_start(self, root: ElementInstance) -> None:
        if not root.msg_start_ck:
            return
        d = self.s.definitions.by_key.get(root.def_key)
        if d is None:
            return
        lock = (d.tenant, d.bpmn_process_id, root.msg_start_ck)
        if self.s.msg_start_locks.get(lock) == root.key:
            del self.s.msg_start_locks[lock]
        bucket = self.s.msgs_by_corr.get((d.tenant, root.msg_start_name or "", root.msg_start_ck))
        if bucket:
            for msg_key in list(bucket):
                msg = self.s.messages.get(msg_key)
                if (
                    msg is not None
                    and msg.alive
                    and msg.deadline > self.m.now
                    and (d.bpmn_process_id not in msg.correlated)
                ):
                    self.m.later(functools.partial(self.start_by_message, msg))
                    break

    # ---- signals

    def open_signal(
        self,
        owner: ElementInstance,
        el: FlowNode,
        definition: SignalEventDefinition,
        ctx_ei: ElementInstance,
        interrupting: bool,
    ) -> None:
        name = self.m.expr.string(definition.name, self.m.context(ctx_ei))
        sub = SignalSubscription(
            self.s.new_key(),
            pi_key=owner.pi_key,
            scope_key=owner.key,
            element_id=el.id,
            name=name,
            interrupting=interrupting,
            def_key=owner.def_key,
        )
        self.s.ssubs[sub.key] = sub
        self.s.touch(sub)
        self.s.index_ssub(sub)
        owner.subs.append(sub.key)
        self.s.touch(owner)

    def broadcast(self, name: str, variables: Mapping[str, Any], tenant: str) -> None:
        from engine.runtime.commands import start_instance

        for sub_key in list(self.s.ssubs_by_name.get(name, {})):
            sub = self.s.ssubs.get(sub_key)
            if sub is None or not sub.alive:
                continue
            owner = self.s.instances.get(sub.scope_key)
            if owner is None or owner.state != ACTIVATED:
                continue
            self.trigger(owner, sub.element_id, dict(variables), sub.interrupting)
            self.m.run_work()
        if self._signal_starts is None:
            index: dict[str, list[tuple[ProcessDefinition, str]]] = {}
            for d in self.s.definitions.latest.values():
                for start in d.process.start_events():
                    definition = start.event_definition
                    if isinstance(definition, SignalEventDefinition):
                        sname = definition.name.static_value
                        if sname is not None:
                            index.setdefault(sname, []).append((d, start.id))
            self._signal_starts = index
        for d, start_id in self._signal_starts.get(name, []):
            if d.tenant == tenant:
                start_instance(self.m, d, dict(variables), [start_id])

    def broadcast_from(self, ei: ElementInstance, definition: SignalEventDefinition) -> None:
        name = self.m.expr.string(definition.name, self.m.context(ei))
        key = self.s.new_key()
        self.s.record(
            key, "EVENT", "SIGNAL", "BROADCASTED", self.m.now, ei.pi_key, {"signalName": name}
        )
        tenant = self.m.tenant_of(ei)
        self.m.later(lambda: self.broadcast(name, {}, tenant))

    # ------------------------------------------------------------------ closing

    def close_all(self, owner: ElementInstance) -> None:
        if not owner.subs:
            return
        for key in owner.subs:
            self._close(key)
        owner.subs = []
        self.s.touch(owner)

    def _close(self, key: int) -> None:
        timer = self.s.timers.pop(key, None)
        if timer is not None:
            if timer.alive:
                timer.state = "CANCELED"
                self.s.touch(timer)
                self._record_timer(timer, "CANCELED")
            return
        sub = self.s.msubs.pop(key, None)
        if sub is not None:
            sub.state = "DELETED"
            self.s.touch(sub)
            self.s.index_msub(sub)
            self._record_sub(sub, "DELETED")
            return
        ssub = self.s.ssubs.pop(key, None)
        if ssub is not None:
            ssub.state = "DELETED"
            self.s.touch(ssub)
            self.s.index_ssub(ssub)

    def close_except_boundary(self, owner: ElementInstance) -> None:
        """Close the event-subprocess subscriptions of a scope, keep its boundary events."""
        process = self.m.process(owner)
        keep: list[int] = []
        for key in owner.subs:
            element_id = self._sub_element(key)
            if element_id is not None and isinstance(
                process.elements.get(element_id), BoundaryEvent
            ):
                keep.append(key)
            else:
                self._close(key)
        owner.subs = keep
        self.s.touch(owner)

    def _sub_element(self, key: int) -> str | None:
        for table in (self.s.timers, self.s.msubs, self.s.ssubs):
            entity = table.get(key)
            if entity is not None:
                return str(entity.element_id)
        return None

    # ------------------------------------------------------------------ triggering

    def trigger(
        self,
        owner: ElementInstance,
        element_id: str,
        variables: dict[str, Any],
        interrupting: bool,
    ) -> None:
        m = self.m
        if owner.state != ACTIVATED:
            return
        process = m.process(owner)
        el = process.elements[element_id]
        if isinstance(el, BoundaryEvent) and el.attached_to_id == owner.element_id:
            self.trigger_boundary(owner, el, variables)
        elif isinstance(el, StartEvent) and isinstance(
            process.elements.get(el.flow_scope_id), EventSubProcess
        ):
            esp = process.elements[el.flow_scope_id]
            assert isinstance(esp, EventSubProcess)
            self.trigger_event_subprocess(owner, esp, variables, el.interrupting)
        elif owner.element_type == ElementType.EVENT_BASED_GATEWAY:
            self.close_all(owner)
            owner.mi = {"trigger": {"target": element_id, "vars": variables}}
            m.s.touch(owner)
            m.complete(owner)
        else:
            self.close_all(owner)
            if variables:
                owner.pending_vars = variables
            m.s.touch(owner)
            m.complete(owner)
        m.run_work()

    def trigger_boundary(
        self, host: ElementInstance, be: BoundaryEvent, variables: dict[str, Any]
    ) -> None:
        m = self.m
        scope = m.scope_of(host)
        if scope is None:
            return
        if be.cancel_activity:
            self.close_all(host)
            m.terminate(host)
        m.activate(scope, be, pending_vars=variables)

    def trigger_event_subprocess(
        self,
        scope: ElementInstance,
        esp: EventSubProcess,
        variables: dict[str, Any],
        interrupting: bool,
    ) -> None:
        m = self.m
        if interrupting:
            self.close_except_boundary(scope)
            for child_key in list(scope.children):
                child = self.s.instances.get(child_key)
                if child is not None:
                    m.terminate(child)
            scope.interrupted = True
            scope.active_flows = 0
            scope.joins = {}
            m.s.touch(scope)
        ei = m.new_instance(scope, esp, as_body=False)
        ei.mi = {"trigger_vars": variables} if variables else {}
        m.record_pi(ei, "ELEMENT_ACTIVATING")
        m.run_activation(ei)
