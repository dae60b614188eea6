"""Signal subscriptions and broadcasts (catch/boundary events, event-subprocess and process
starts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.model.elements import (
    FlowNode,
    SignalEventDefinition,
)
from engine.runtime.behaviors.event_base import EventSubscriptionsBase
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import (
    ACTIVATED,
    ElementInstance,
    SignalSubscription,
)


class SignalEvents(EventSubscriptionsBase):
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
