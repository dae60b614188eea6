"""The process instance itself (the root flow scope)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from engine.runtime.processors.base import ElementProcessor

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine


class ProcessProcessor(ElementProcessor):
    """Activating opens the event subprocess subscriptions of the top level; once activated the
    start element(s) recorded in ``mi["start"]`` run. Completion hands the result to the parent
    call activity or to a waiting CreateProcessInstanceWithResult."""

    def activating(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        process = m.process(ei)
        if process.event_subprocess_ids:
            m.events.open_event_subprocesses(ei, process.event_subprocess_ids)

    def activated(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        m.events.after_open(ei)
        start = ei.mi.pop("start", None)
        start_vars = ei.mi.pop("start_vars", None)
        m.s.touch(ei)
        process = m.process(ei)
        for element_id in start or ():
            m.later(functools.partial(m.activate_at, ei, process.elements[element_id], start_vars))

    def completing(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        return None

    def completed(self, m: Machine, ei: ElementInstance, el: Any) -> None:
        self.root_ended(m, ei, terminated=False)

    def root_ended(self, m: Machine, root: ElementInstance, *, terminated: bool) -> None:
        variables = m.vars.local(root.key)
        m.finished_instances[root.key] = ("TERMINATED" if terminated else "COMPLETED", variables)
        m.events.release_message_start(root)
        if root.parent_ei_key != -1 and not terminated:
            parent = m.s.instances.get(root.parent_ei_key)
            if parent is not None and parent.alive:
                from engine.runtime.processors.call_activity import child_completed

                child_completed(m, parent, variables)
