"""The immutable model of a deployed DMN resource.

A :class:`DecisionRequirementsGraph` is what ``parse_dmn`` returns and what the runtime stores
per deployed ``.dmn`` resource. Every FEEL text in it is already compiled (syntax errors are a
deployment failure, as in Zeebe), so evaluating a decision never re-parses anything and the
same graph can be evaluated from many threads: nothing in here is mutated after parsing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from engine.dmn.expressions import FeelExpression, UnaryTests


class HitPolicy(StrEnum):
    """``decisionTable/@hitPolicy``; the values are the XML spellings (default ``UNIQUE``)."""

    UNIQUE = "UNIQUE"
    FIRST = "FIRST"
    PRIORITY = "PRIORITY"
    ANY = "ANY"
    COLLECT = "COLLECT"
    RULE_ORDER = "RULE ORDER"
    OUTPUT_ORDER = "OUTPUT ORDER"


class Aggregation(StrEnum):
    """``decisionTable/@aggregation``, only meaningful with ``COLLECT``."""

    SUM = "SUM"
    MIN = "MIN"
    MAX = "MAX"
    COUNT = "COUNT"


class DecisionType(StrEnum):
    """Zeebe's ``decisionType`` strings in ``EvaluatedDecision``."""

    DECISION_TABLE = "DECISION_TABLE"
    LITERAL_EXPRESSION = "LITERAL_EXPRESSION"


@dataclass(frozen=True, slots=True)
class Input:
    """A decision-table input column: a FEEL expression evaluated once per evaluation."""

    id: str
    label: str | None
    expression: FeelExpression
    type_ref: str | None = None

    @property
    def name(self) -> str:
        """Zeebe's ``inputName``: the column label, else the expression text (never empty, so an
        unlabelled column is still recognisable in Operate-like views)."""
        return self.label or self.expression.text


@dataclass(frozen=True, slots=True)
class Output:
    """A decision-table output column.

    ``output_values`` are the literal values of ``outputValues`` (strings without quotes,
    numbers as ``Decimal``) in the order the modeller wrote them; PRIORITY and OUTPUT ORDER rank
    rules by them, first listed = highest priority.
    """

    id: str
    name: str | None
    label: str | None
    type_ref: str | None = None
    output_values: tuple[Any, ...] = ()
    default: FeelExpression | None = None

    @property
    def display_name(self) -> str:
        """Zeebe's ``outputName``: the output name (the result key), else its label."""
        return self.name or self.label or ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One row. ``index`` is 1-based, as Zeebe's ``ruleIndex``."""

    id: str
    index: int
    input_entries: tuple[UnaryTests, ...]
    output_entries: tuple[FeelExpression | None, ...]  # None: an empty cell, yields null
    description: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionTable:
    hit_policy: HitPolicy
    aggregation: Aggregation | None
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class LiteralExpression:
    expression: FeelExpression


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision and the decisions it requires (by id, in ``informationRequirement`` order).

    ``variable_name`` / ``type_ref`` come from the decision's ``<variable>``. The decision's
    result is visible to the decisions that require it under ``result_name``: the variable name
    when there is one, otherwise the decision id (dmn-scala's rule, which Zeebe inherits).
    """

    id: str
    name: str
    logic: DecisionTable | LiteralExpression
    required_decisions: tuple[str, ...] = ()
    variable_name: str | None = None
    type_ref: str | None = None

    @property
    def decision_type(self) -> DecisionType:
        if isinstance(self.logic, DecisionTable):
            return DecisionType.DECISION_TABLE
        return DecisionType.LITERAL_EXPRESSION

    @property
    def result_name(self) -> str:
        return self.variable_name or self.id


@dataclass(frozen=True, slots=True)
class DecisionRequirementsGraph:
    """One ``.dmn`` resource: Zeebe's "decision requirements" (DRG).

    ``id``/``name`` are the ``definitions`` id and name (Zeebe's ``decisionRequirementsId`` /
    ``decisionRequirementsName``). ``checksum`` is the SHA-256 of the resource bytes in hex: the
    runtime compares it to decide whether a redeployment is a new version. ``decisions`` keeps
    document order.
    """

    id: str
    name: str
    namespace: str
    resource_name: str
    checksum: str
    decisions: Mapping[str, Decision] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "decisions", MappingProxyType(dict(self.decisions)))

    @property
    def decision_ids(self) -> tuple[str, ...]:
        return tuple(self.decisions)

    @property
    def decision_names(self) -> dict[str, str]:
        """Decision id → decision name, in document order (what a deployment response lists)."""
        return {d.id: d.name for d in self.decisions.values()}

    def decision(self, decision_id: str) -> Decision | None:
        return self.decisions.get(decision_id)
