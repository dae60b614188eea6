"""What the timer, message and signal subscription mixins share (see :mod:`.events`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from engine.runtime.definitions import ProcessDefinition

if TYPE_CHECKING:
    from engine.runtime.entities import ElementInstance
    from engine.runtime.machine import Machine
    from engine.runtime.state import RuntimeState


class EventSubscriptionsBase(ABC):
    """State and the dispatch hook every subscription kind needs; ``EventBehavior`` combines
    the kinds and implements :meth:`trigger`."""

    m: Machine
    s: RuntimeState
    _msg_starts: dict[tuple[str, str], list[tuple[ProcessDefinition, str]]] | None
    _signal_starts: dict[str, list[tuple[ProcessDefinition, str]]] | None

    @abstractmethod
    def trigger(
        self,
        owner: ElementInstance,
        element_id: str,
        variables: dict[str, Any],
        interrupting: bool,
    ) -> None:
        """Run the event's effect on ``owner`` (interrupt it or start a branch beside it)."""
