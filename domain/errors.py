"""Errors of the domain, each with a Chinese and an English message.

Front-line users (grid workers, hotline operators, department clerks) read Chinese; logs,
developers and the Camunda tooling read English. Every rule violation therefore carries both,
plus a stable machine code the API can map to a field and the workers to a BPMN error.
"""

from __future__ import annotations


class DomainError(ValueError):
    """A rule of the domain was broken by the input.

    Subclasses ``ValueError`` so pydantic validators and callers that expect bad input to raise
    ``ValueError`` treat it as such. ``str(error)`` is ``"<zh> / <en>"``.
    """

    def __init__(self, code: str, zh: str, en: str) -> None:
        self.code = code
        self.zh = zh
        self.en = en
        super().__init__(f"{zh} / {en}")


class InvalidIdentifier(DomainError):
    """A citizen ID number, social credit code or other ID number is malformed."""


class CalendarYearUnknown(DomainError):
    """The official holiday calendar has no data for the requested year."""


class DeadlineInputError(DomainError):
    """A deadline was asked for with unusable input (e.g. a naive datetime)."""
