"""The one exception deployment validation raises."""

from __future__ import annotations


class BpmnParseError(ValueError):
    """A BPMN resource the engine refuses to deploy.

    ``message`` reads like Zeebe's deployment rejection and names the element:
    ``"Element 'Task_1': must have a zeebe:taskDefinition with a type"``. The gateway maps it to
    ``INVALID_ARGUMENT``. Several problems found in one resource are joined with newlines, so a
    user fixes them in one round trip; ``problems`` keeps them apart for tests and tools.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or (message,)

    def __str__(self) -> str:
        return self.message
