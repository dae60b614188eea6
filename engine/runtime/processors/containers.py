"""Embedded subprocesses and event subprocesses: flow scopes of their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.runtime.processors.base import ActivityProcessor, apply_completion_variables

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class SubProcessProcessor(ActivityProcessor):
    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        super().activating(m, ei, el)
        if el.event_subprocess_ids:
            m.events.open_event_subprocesses(ei, el.event_subprocess_ids)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.events.after_open(ei)
        if ei.mi.pop("no_start", False):
            m.s.touch(ei)
            return
        start = m.process(ei).elements[el.start_event_id]

        def start_inside() -> None:
            if ei.state == "ELEMENT_ACTIVATED":
                m.activate(ei, start)

        m.later(start_inside)


class EventSubProcessProcessor(SubProcessProcessor):
    """Activated by its start event's trigger; the trigger variables go to the start event."""

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.events.after_open(ei)
        if ei.mi.pop("no_start", False):
            m.s.touch(ei)
            return
        trigger_vars = ei.mi.pop("trigger_vars", None)
        m.s.touch(ei)
        start = m.process(ei).elements[el.start_event_id]
        m.activate(ei, start, pending_vars=trigger_vars)

    def completing(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        apply_completion_variables(m, ei, el)
