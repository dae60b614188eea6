"""Timer subscriptions: catch events, boundary events, event-subprocess and process starts.

The timer value is evaluated when its element (or host, or scope) is entered; cycles repeat
from the trigger time; a process's timer start events follow its latest version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.model.elements import (
    FlowNode,
    TimerEventDefinition,
    TimerKind,
)
from engine.model.timers import TimerFormatError, timer_schedule
from engine.runtime.behaviors.event_base import EventSubscriptionsBase
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import (
    ElementInstance,
    Timer,
)
from engine.runtime.expressions import ExpressionFailure, StepFailure
from engine.runtime.state import DUE_TIMER


class TimerEvents(EventSubscriptionsBase):
    def evaluate_timer(
        self, definition: TimerEventDefinition, variables: Mapping[str, Any], element_id: str
    ) -> tuple[int, int, str]:
        """(due ms, repetitions, cycle text) for a timer definition, or StepFailure."""
        m = self.m
        try:
            value = m.expr.evaluate(definition.expression, variables)
            # the model's timer schedules: the same rules the parser validated static values with
            schedule = timer_schedule(definition.timer_kind, value)
            cycle = ""
            if definition.timer_kind == TimerKind.CYCLE:
                cycle = value if isinstance(value, str) else str(value)
            return schedule.first_due(m.now), schedule.repetitions, cycle
        except (ExpressionFailure, TimerFormatError) as exc:
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
            schedule = timer_schedule(TimerKind.CYCLE, timer.cycle)
            next_due = schedule.next_due(timer.due, m.now)
            assert next_due is not None  # cycles always have a next firing
            nxt = Timer(
                self.s.new_key(),
                pi_key=timer.pi_key,
                scope_key=timer.scope_key,
                element_id=timer.element_id,
                def_key=timer.def_key,
                due=next_due,
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
