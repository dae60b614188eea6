"""The syntax tree of a FEEL expression (feel-scala's ``syntaxtree.Exp``).

Nodes are plain frozen dataclasses; ``interpreter.py`` turns a tree into Python closures once,
so nothing here is visited at evaluation time.  ``pos`` is the offset of the node's first
character in the expression text, for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Node:
    pass


@dataclass(frozen=True, slots=True)
class Const(Node):
    value: Any


@dataclass(frozen=True, slots=True)
class Ref(Node):
    name: str
    pos: int = 0


@dataclass(frozen=True, slots=True)
class InputValue(Node):
    """``?``: the input value inside unary tests."""

    pos: int = 0


@dataclass(frozen=True, slots=True)
class Path(Node):
    base: Node
    name: str


@dataclass(frozen=True, slots=True)
class Filter(Node):
    base: Node
    condition: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    name: str
    args: tuple[Node, ...] = ()
    named: tuple[tuple[str, Node], ...] | None = None
    pos: int = 0


@dataclass(frozen=True, slots=True)
class MethodCall(Node):
    """``ctx.f(x)``: a function stored in a context."""

    base: Node
    name: str
    args: tuple[Node, ...] = ()
    named: tuple[tuple[str, Node], ...] | None = None


@dataclass(frozen=True, slots=True)
class Arith(Node):
    """``a + b - c``: left-associative chain of one precedence level, kept flat."""

    first: Node
    ops: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Between(Node):
    value: Node
    low: Node
    high: Node


@dataclass(frozen=True, slots=True)
class InstanceOf(Node):
    value: Node
    type_name: str


@dataclass(frozen=True, slots=True)
class In(Node):
    value: Node
    tests: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class And(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class If(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True, slots=True)
class Iterator(Node):
    name: str
    source: Node
    end: Node | None = None  # ``for i in 1..n``


@dataclass(frozen=True, slots=True)
class For(Node):
    iterators: tuple[Iterator, ...]
    body: Node


@dataclass(frozen=True, slots=True)
class Quantified(Node):
    every: bool
    iterators: tuple[Iterator, ...]
    condition: Node


@dataclass(frozen=True, slots=True)
class FunctionDef(Node):
    params: tuple[str, ...]
    body: Node


@dataclass(frozen=True, slots=True)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ContextLit(Node):
    entries: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class RangeLit(Node):
    start: Node
    end: Node
    start_included: bool
    end_included: bool


# ---------------------------------------------------------------------------- unary tests


@dataclass(frozen=True, slots=True)
class ComparePut(Node):
    """``< 10`` as a unary test."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class ExpressionPut(Node):
    """An expression as a unary test: equal to the input, contained in it, or true with ``?``."""

    expression: Node


@dataclass(frozen=True, slots=True)
class UnaryTests(Node):
    """A whole unary-tests text: ``-``, ``t1, t2`` or ``not(t1, t2)``."""

    tests: tuple[Node, ...] = field(default=())
    negated: bool = False
    any_input: bool = False
