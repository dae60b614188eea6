"""Reading event definitions (message, timer, error, signal, terminate, link) of one event.

Which definitions an event *may* carry depends on where it is (start of a process, of an event
subprocess, boundary, intermediate catch/throw, end); those placement rules live in
:mod:`engine.model.validation` and in the parser. This module turns one ``*EventDefinition``
element into a model value and checks what can be checked locally (references resolve, static
timer values parse).
"""

from __future__ import annotations

from lxml import etree

from engine.model.definitions import Declarations
from engine.model.elements import (
    ErrorEventDefinition,
    EventDefinition,
    Expression,
    LinkEventDefinition,
    MessageEventDefinition,
    SignalEventDefinition,
    TerminateEventDefinition,
    TimerEventDefinition,
    TimerKind,
)
from engine.model.expressions import ExpressionReader
from engine.model.namespaces import is_bpmn, local_name
from engine.model.problems import Problems
from engine.model.timers import TimerFormatError, timer_schedule

SUPPORTED_DEFINITIONS = {
    "messageEventDefinition",
    "timerEventDefinition",
    "errorEventDefinition",
    "signalEventDefinition",
    "terminateEventDefinition",
    "linkEventDefinition",
}
UNSUPPORTED_DEFINITIONS = {
    "escalationEventDefinition": "escalation",
    "compensateEventDefinition": "compensation",
    "conditionalEventDefinition": "conditional",
    "cancelEventDefinition": "cancel",
}


def definition_elements(event: etree._Element) -> list[etree._Element]:
    return [
        c
        for c in event
        if isinstance(c.tag, str) and is_bpmn(c) and local_name(c).endswith("EventDefinition")
    ]


class EventDefinitionReader:
    def __init__(
        self, problems: Problems, expressions: ExpressionReader, declarations: Declarations
    ) -> None:
        self.problems = problems
        self.expr = expressions
        self.decl = declarations

    def read(
        self, event: etree._Element, element_id: str, *, throwing: bool
    ) -> tuple[EventDefinition | None, bool]:
        """The event's single definition (``None`` for a none event) and whether it was usable.

        More than one definition (BPMN "multiple" events) is refused, as in Zeebe.
        """
        definitions = definition_elements(event)
        if event.get("eventDefinitionRef") is not None or any(
            is_bpmn(c, "eventDefinitionRef") for c in event
        ):
            self.problems.add(element_id, "eventDefinitionRef is not supported")
            return None, False
        if not definitions:
            return None, True
        if len(definitions) > 1:
            self.problems.add(element_id, "must have at most one event definition")
            return None, False
        definition = definitions[0]
        kind = local_name(definition)
        if kind in UNSUPPORTED_DEFINITIONS:
            self.problems.add(
                element_id, f"{UNSUPPORTED_DEFINITIONS[kind]} events are not supported"
            )
            return None, False
        if kind not in SUPPORTED_DEFINITIONS:
            self.problems.add(element_id, f"event definition '{kind}' is not supported")
            return None, False
        if kind == "messageEventDefinition":
            return self.message(definition.get("messageRef"), element_id), True
        if kind == "timerEventDefinition":
            return self.timer(definition, element_id), True
        if kind == "errorEventDefinition":
            return self.error(definition, element_id, throwing=throwing), True
        if kind == "signalEventDefinition":
            return self.signal(definition, element_id), True
        if kind == "terminateEventDefinition":
            return TerminateEventDefinition(), True
        name = (definition.get("name") or "").strip()
        if not name:
            self.problems.add(element_id, "a link event must have a name")
        return LinkEventDefinition(name=name), True

    def message(self, message_ref: str | None, element_id: str) -> MessageEventDefinition | None:
        if not message_ref:
            self.problems.add(element_id, "must reference a message (messageRef)")
            return None
        message = self.decl.messages.get(message_ref)
        if message is None:
            self.problems.add(element_id, f"references an unknown message '{message_ref}'")
            return None
        if message.name is None:
            self.problems.add(message.id, "message name must be present and not empty")
        return MessageEventDefinition(
            message_id=message.id,
            name=message.name or Expression.static(""),
            correlation_key=message.correlation_key,
        )

    def timer(self, definition: etree._Element, element_id: str) -> TimerEventDefinition | None:
        found: list[tuple[TimerKind, str]] = []
        for kind in TimerKind:
            for child in definition:
                if is_bpmn(child, kind.value):
                    found.append((kind, (child.text or "").strip()))
        if len(found) != 1:
            self.problems.add(
                element_id, "must be exactly one type of timer: timeDuration, timeDate or timeCycle"
            )
            return None
        kind, text = found[0]
        expression = self.expr.read(
            text, element_id=element_id, what=f"timer {kind.value}", required=True
        )
        if expression is None:
            return None
        if not expression.is_feel:
            try:
                timer_schedule(kind, expression.source)
            except TimerFormatError as exc:
                self.problems.add(element_id, f"invalid timer {kind.value}: {exc}")
        return TimerEventDefinition(timer_kind=kind, expression=expression)

    def error(
        self, definition: etree._Element, element_id: str, *, throwing: bool
    ) -> ErrorEventDefinition | None:
        error_ref = definition.get("errorRef")
        if not error_ref:
            if throwing:
                self.problems.add(element_id, "an error end event must reference an error")
                return None
            return ErrorEventDefinition(error_id=None, error_code=None)
        error = self.decl.errors.get(error_ref)
        if error is None:
            self.problems.add(element_id, f"references an unknown error '{error_ref}'")
            return None
        code = error.error_code
        if throwing:
            if code is None:
                self.problems.add(
                    element_id, f"error '{error.id}': errorCode must be present and not empty"
                )
                return None
            if code.is_feel:
                self.expr.read(str(code), element_id=element_id, what="errorCode")
        elif code is not None and code.is_feel:
            self.problems.add(
                element_id,
                f"the errorCode of an error catch event is not allowed to be an expression "
                f"('{code}' of error '{error.id}')",
            )
        return ErrorEventDefinition(error_id=error.id, error_code=code)

    def signal(self, definition: etree._Element, element_id: str) -> SignalEventDefinition | None:
        signal_ref = definition.get("signalRef")
        if not signal_ref:
            self.problems.add(element_id, "must reference a signal (signalRef)")
            return None
        signal = self.decl.signals.get(signal_ref)
        if signal is None:
            self.problems.add(element_id, f"references an unknown signal '{signal_ref}'")
            return None
        if signal.name is None:
            self.problems.add(signal.id, "signal name must be present and not empty")
            return None
        return SignalEventDefinition(signal_id=signal.id, name=signal.name)
