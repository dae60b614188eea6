"""Collecting deployment problems so one rejection lists all of them."""

from __future__ import annotations

from engine.model.errors import BpmnParseError


class Problems:
    """An ordered, de-duplicated list of "Element 'X': reason" messages.

    The parser keeps going after a problem (where it safely can) so a modeller fixes a diagram in
    one round trip instead of one error per deployment attempt, as Zeebe's validator does.
    """

    def __init__(self, resource_name: str) -> None:
        self.resource_name = resource_name
        self._messages: list[str] = []

    def add(self, element_id: str | None, reason: str) -> None:
        message = f"Element '{element_id}': {reason}" if element_id else reason
        if message not in self._messages:
            self._messages.append(message)

    def unsupported(self, element_id: str | None, kind: str) -> None:
        self.add_raw(f"Element '{element_id}' of type '{kind}' is not supported")

    def add_raw(self, message: str) -> None:
        if message not in self._messages:
            self._messages.append(message)

    def __bool__(self) -> bool:
        return bool(self._messages)

    def __len__(self) -> int:
        return len(self._messages)

    def raise_if_any(self) -> None:
        if not self._messages:
            return
        if len(self._messages) == 1:
            text = f"Resource '{self.resource_name}' is invalid: {self._messages[0]}"
        else:
            listing = "\n".join(f"- {m}" for m in self._messages)
            text = (
                f"Resource '{self.resource_name}' is invalid ({len(self._messages)} problems):\n"
                f"{listing}"
            )
        raise BpmnParseError(text, tuple(self._messages))
