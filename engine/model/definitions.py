"""The root-level declarations a process refers to: messages, errors, signals, embedded forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.model.elements import Error, Expression, Message, Signal
from engine.model.expressions import ExpressionReader
from engine.model.extensions import zeebe_children
from engine.model.namespaces import is_bpmn, is_zeebe
from engine.model.problems import Problems


@dataclass(slots=True)
class Declarations:
    """``bpmn:message`` / ``bpmn:error`` / ``bpmn:signal`` by id, as declared in the file.

    ``message_has_subscription`` records whether a message carries a ``zeebe:subscription``
    (absent ≠ empty: Zeebe says "must have exactly one zeebe:subscription" in the first case).
    """

    messages: dict[str, Message] = field(default_factory=dict)
    errors: dict[str, Error] = field(default_factory=dict)
    signals: dict[str, Signal] = field(default_factory=dict)
    message_has_subscription: dict[str, bool] = field(default_factory=dict)


def read_declarations(
    root: etree._Element, problems: Problems, expressions: ExpressionReader
) -> Declarations:
    decl = Declarations()
    for child in root:
        if not isinstance(child.tag, str) or not is_bpmn(child):
            continue
        element_id = child.get("id")
        if is_bpmn(child, "message"):
            if not element_id:
                problems.add_raw("A bpmn:message has no id")
                continue
            name = expressions.read(child.get("name"), element_id=element_id, what="message name")
            subscriptions = zeebe_children(child, "subscription")
            correlation_key: Expression | None = None
            if len(subscriptions) > 1:
                problems.add(
                    element_id, "must have exactly one zeebe:subscription extension element"
                )
            if subscriptions:
                correlation_key = expressions.read(
                    subscriptions[0].get("correlationKey"),
                    element_id=element_id,
                    what="zeebe:subscription correlationKey",
                    required=True,
                    feel_only=True,
                )
            decl.messages[element_id] = Message(
                id=element_id, name=name, correlation_key=correlation_key
            )
            decl.message_has_subscription[element_id] = bool(subscriptions)
        elif is_bpmn(child, "error"):
            if not element_id:
                problems.add_raw("A bpmn:error has no id")
                continue
            raw_code = child.get("errorCode")
            code = Expression.parse(raw_code) if raw_code and raw_code.strip() else None
            decl.errors[element_id] = Error(id=element_id, name=child.get("name"), error_code=code)
        elif is_bpmn(child, "signal"):
            if not element_id:
                problems.add_raw("A bpmn:signal has no id")
                continue
            name = expressions.read(child.get("name"), element_id=element_id, what="signal name")
            decl.signals[element_id] = Signal(id=element_id, name=name)
    return decl


def embedded_forms(process: etree._Element) -> dict[str, str]:
    """``zeebe:userTaskForm id=...`` (JSON text) declared in a process's extension elements."""
    forms: dict[str, str] = {}
    for form in zeebe_children(process, "userTaskForm"):
        form_id = form.get("id")
        if form_id and is_zeebe(form, "userTaskForm"):
            forms[form_id] = (form.text or "").strip()
    return forms
