"""Message subscriptions, buffered messages and message start events (Zeebe's cardinality:
a message is correlated at most once per process id)."""

from __future__ import annotations

import functools

from engine.model.elements import (
    FlowNode,
    MessageEventDefinition,
)
from engine.runtime.behaviors.event_base import EventSubscriptionsBase
from engine.runtime.definitions import ProcessDefinition
from engine.runtime.entities import (
    ACTIVATED,
    ElementInstance,
    Message,
    MessageSubscription,
)
from engine.runtime.expressions import ExpressionFailure, StepFailure


class MessageEvents(EventSubscriptionsBase):
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
        if sub.interrupting:  # it closes with its element; the read model shows why
            sub.state = "CORRELATED"
            self.s.touch(sub)
            self.s.index_msub(sub)
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
