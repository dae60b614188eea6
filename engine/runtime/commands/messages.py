"""PublishMessage and its TTL, BroadcastSignal, EvaluateDecision."""

from __future__ import annotations

from typing import Any

from engine.api import (
    DEFAULT_TENANT,
    DecisionEvaluation,
    EngineError,
    ErrorCode,
    MessagePublished,
)
from engine.runtime.commands.variables_doc import check_variables
from engine.runtime.entities import Message
from engine.runtime.machine import Machine
from engine.runtime.state import DUE_MESSAGE_TTL


def publish_message(
    m: Machine,
    name: str,
    correlation_key: str,
    ttl_ms: int,
    message_id: str,
    variables: Any,
    tenant: str,
) -> MessagePublished:
    s = m.s
    doc = check_variables(variables)
    if message_id:
        existing = s.msg_ids.get((tenant, name, message_id))
        if existing is not None:
            msg = s.messages.get(existing)
            if msg is not None and msg.alive and msg.deadline > m.now:
                raise EngineError(
                    ErrorCode.ALREADY_EXISTS,
                    f"Expected to publish a new message with id '{message_id}', but a message "
                    "with that id was already published",
                )
    msg = Message(
        s.new_key(),
        name=name,
        ck=correlation_key,
        deadline=m.now + max(ttl_ms, 0),
        message_id=message_id,
        variables=doc,
        tenant=tenant,
    )
    s.record(
        msg.key,
        "EVENT",
        "MESSAGE",
        "PUBLISHED",
        m.now,
        None,
        {
            "name": name,
            "correlationKey": correlation_key,
            "timeToLive": ttl_ms,
            "messageId": message_id,
            "tenantId": tenant,
        },
    )
    if ttl_ms > 0:
        s.messages[msg.key] = msg
        s.touch(msg)
        s.index_message(msg)
        s.push_due(msg.deadline, DUE_MESSAGE_TTL, msg.key)
    m.events.publish(msg)
    if ttl_ms <= 0:
        s.record(msg.key, "EVENT", "MESSAGE", "EXPIRED", m.now, None, {"name": name})
    return MessagePublished(msg.key, tenant)


def expire_message(m: Machine, key: int) -> None:
    msg = m.s.messages.get(key)
    if msg is None or not msg.alive or msg.deadline > m.now:
        return
    msg.state = "EXPIRED"
    m.s.touch(msg)
    m.s.index_message(msg)
    m.s.messages.pop(key, None)
    m.s.record(key, "EVENT", "MESSAGE", "EXPIRED", m.now, None, {"name": msg.name})


def evaluate_decision(
    m: Machine, decision_id: str | None, decision_key: int | None, variables: Any, tenant: str
) -> DecisionEvaluation:
    doc = check_variables(variables)
    decision = m.decisions.find(decision_id, decision_key, tenant)
    return m.decisions.evaluate(decision, doc)


def broadcast_signal(m: Machine, name: str, variables: Any, tenant: str = DEFAULT_TENANT) -> int:
    doc = check_variables(variables)
    key = m.s.new_key()
    m.s.record(key, "EVENT", "SIGNAL", "BROADCASTED", m.now, None, {"signalName": name})
    m.events.broadcast(name, doc, tenant)
    return key
