"""Text → syntax tree, with lark's LALR parser fed by our own tokenizer (see ``lexer.py``).

The tree is built during parsing (lark's inline transformer), which keeps parsing linear and
non-recursive: deep nesting is refused by the tokenizer with a clear message rather than by a
RecursionError somewhere later.
"""

from __future__ import annotations

from collections.abc import Iterator as _Iter
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import ast
from .errors import FeelError, FeelSyntaxError
from .lexer import tokenize
from .temporal import parse_temporal

_TOKEN_TEXT = {
    "RPAR": "')'",
    "RSQB": "']'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "LSQB": "'['",
    "LBRACE": "'{'",
    "COMMA": "','",
    "COLON": "':'",
    "THEN": "'then'",
    "ELSE": "'else'",
    "RETURN": "'return'",
    "SATISFIES": "'satisfies'",
    "IN": "'in'",
    "AND": "'and'",
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a string",
    "KEY": "a context key",
    "DOTDOT": "'..'",
    "$END": "the end of the expression",
}


class _ExpressionLexer(Lexer):
    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, lexer_state: Any, parser_state: Any = None) -> _Iter[Token]:
        text = lexer_state if isinstance(lexer_state, str) else lexer_state.text
        return tokenize(text)


class _UnaryLexer(_ExpressionLexer):
    def lex(self, lexer_state: Any, parser_state: Any = None) -> _Iter[Token]:
        text = lexer_state if isinstance(lexer_state, str) else lexer_state.text
        return tokenize(text, unary_tests=True)


_Children = list[Any]  # an alias: the class below defines a method named "list"


def _pos(t: Any) -> int:
    return int(getattr(t, "start_pos", 0) or 0)


class _Build(Transformer[Token, Any]):
    """Parse-tree callbacks producing ``ast`` nodes (called by lark as rules reduce)."""

    # ---- entry points
    def start(self, c: list[Any]) -> ast.Node:
        return c[0]

    def any_input(self, c: list[Any]) -> ast.Node:
        return ast.UnaryTests(any_input=True)

    def negated_tests(self, c: list[Any]) -> ast.Node:
        return ast.UnaryTests(tests=tuple(c[2]), negated=True)

    def positive_tests(self, c: list[Any]) -> ast.Node:
        return ast.UnaryTests(tests=tuple(c[0]))

    def put_list(self, c: list[Any]) -> list[ast.Node]:
        return [x for x in c if not isinstance(x, Token)]

    def cmp_put(self, c: list[Any]) -> ast.Node:
        return ast.ComparePut(str(c[0]), c[1])

    def expression_put(self, c: list[Any]) -> ast.Node:
        return ast.ExpressionPut(c[0])

    def in_tests(self, c: list[Any]) -> ast.Node:  # "(" cmp_put ")"
        return c[1]

    def put_tuple(self, c: list[Any]) -> list[ast.Node]:
        return [c[1], *c[3]]

    # ---- control
    def if_expr(self, c: list[Any]) -> ast.Node:
        return ast.If(c[1], c[3], c[5])

    def for_expr(self, c: list[Any]) -> ast.Node:
        return ast.For(tuple(c[1]), c[3])

    def some_expr(self, c: list[Any]) -> ast.Node:
        return ast.Quantified(False, tuple(c[1]), c[3])

    def every_expr(self, c: list[Any]) -> ast.Node:
        return ast.Quantified(True, tuple(c[1]), c[3])

    def function_def(self, c: list[Any]) -> ast.Node:
        return ast.FunctionDef(tuple(c[2]), c[4])

    def params(self, c: list[Any]) -> list[str]:
        return [str(t) for t in c if t.type == "NAME"]

    def iterators(self, c: list[Any]) -> list[ast.Iterator]:
        return [x for x in c if isinstance(x, ast.Iterator)]

    def iterator(self, c: list[Any]) -> ast.Iterator:
        return ast.Iterator(str(c[0]), c[2])

    def range_iterator(self, c: list[Any]) -> ast.Iterator:
        return ast.Iterator(str(c[0]), c[2], c[4])

    # ---- logic and comparison
    def or_expr(self, c: list[Any]) -> ast.Node:
        items = [x for x in c if not isinstance(x, Token)]
        return items[0] if len(items) == 1 else ast.Or(tuple(items))

    def and_expr(self, c: list[Any]) -> ast.Node:
        items = [x for x in c if not isinstance(x, Token)]
        return items[0] if len(items) == 1 else ast.And(tuple(items))

    def compare(self, c: list[Any]) -> ast.Node:
        return ast.Compare(str(c[1]), c[0], c[2])

    def between(self, c: list[Any]) -> ast.Node:
        return ast.Between(c[0], c[2], c[4])

    def instance_of(self, c: list[Any]) -> ast.Node:
        return ast.InstanceOf(c[0], str(c[2]))

    def in_expr(self, c: list[Any]) -> ast.Node:
        tests = c[2]
        if not isinstance(tests, list):
            tests = [tests]
        return ast.In(c[0], tuple(tests))

    # ---- arithmetic
    def arith(self, c: list[Any]) -> ast.Node:
        if len(c) == 1:
            return c[0]
        first = c[0]
        ops = tuple((str(c[i]), c[i + 1]) for i in range(1, len(c), 2))
        if isinstance(first, ast.Arith) and first.ops[0][0] in "+-" and ops[0][0] in "+-":
            return ast.Arith(first.first, first.ops + ops)
        return ast.Arith(first, ops)

    def negation(self, c: list[Any]) -> ast.Node:
        operand = c[1]
        if isinstance(operand, ast.Const) and type(operand.value) in (int,):
            return ast.Const(-operand.value)
        return ast.Negate(operand)

    # ---- postfix
    def path(self, c: list[Any]) -> ast.Node:
        return ast.Path(c[0], str(c[2]))

    def method_call(self, c: list[Any]) -> ast.Node:
        args, named = c[4]
        return ast.MethodCall(c[0], str(c[2]), args, named)

    def filter(self, c: list[Any]) -> ast.Node:
        return ast.Filter(c[0], c[2])

    # ---- atoms
    def number(self, c: list[Any]) -> ast.Node:
        from decimal import Decimal

        text = str(c[0])
        if "." in text:
            return ast.Const(Decimal(text))  # keeps "1.0" as written, like BigDecimal
        value = int(text)
        return ast.Const(value if len(text) <= 34 else Decimal(text))

    def string(self, c: list[Any]) -> ast.Node:
        return ast.Const(str(c[0]))

    def true(self, c: list[Any]) -> ast.Node:
        return ast.Const(True)

    def false(self, c: list[Any]) -> ast.Node:
        return ast.Const(False)

    def null(self, c: list[Any]) -> ast.Node:
        return ast.Const(None)

    def temporal(self, c: list[Any]) -> ast.Node:
        return ast.Const(parse_temporal(str(c[1])))

    def input_value(self, c: list[Any]) -> ast.Node:
        return ast.InputValue(_pos(c[0]))

    def ref(self, c: list[Any]) -> ast.Node:
        return ast.Ref(str(c[0]), _pos(c[0]))

    def call(self, c: list[Any]) -> ast.Node:
        args, named = c[2]
        return ast.Call(str(c[0]), args, named, _pos(c[0]))

    def positional_args(self, c: list[Any]) -> tuple[tuple[ast.Node, ...], None]:
        return tuple(x for x in c if not isinstance(x, Token)), None

    def named_args(self, c: list[Any]) -> tuple[tuple[()], tuple[tuple[str, ast.Node], ...]]:
        named = []
        for i in range(0, len(c), 4):
            named.append((str(c[i]), c[i + 2]))
        return (), tuple(named)

    def atom(self, c: list[Any]) -> ast.Node:  # "(" expression ")"
        return c[1]

    def list(self, c: _Children) -> ast.Node:
        return ast.ListLit(tuple(x for x in c if not isinstance(x, Token)))

    def context(self, c: _Children) -> ast.Node:
        return ast.ContextLit(tuple(x for x in c if isinstance(x, tuple)))

    def entry(self, c: _Children) -> tuple[str, ast.Node]:
        return (str(c[0]), c[2])

    def range(self, c: _Children) -> ast.Node:
        return ast.RangeLit(c[1], c[3], str(c[0]) == "[", str(c[4]) == "]")


_GRAMMAR = resources.files(__package__).joinpath("grammar.lark").read_text(encoding="utf-8")
_EXPRESSION_PARSER = Lark(
    _GRAMMAR,
    parser="lalr",
    lexer=_ExpressionLexer,
    start="start",
    transformer=_Build(),
    maybe_placeholders=False,
)
_UNARY_PARSER = Lark(
    _GRAMMAR,
    parser="lalr",
    lexer=_UnaryLexer,
    start="unary_start",
    transformer=_Build(),
    maybe_placeholders=False,
)


_OPENS = {"IF": "THEN", "THEN": "ELSE", "FOR": "RETURN", "SOME": "SATISFIES", "EVERY": "SATISFIES"}


def _pending_keyword(text: str, pos: int) -> str | None:
    """The keyword the innermost unfinished if/for/some/every still needs before ``pos``."""
    stack: list[str] = []
    try:
        for tok in tokenize(text[:pos]):
            if (
                tok.type in ("THEN", "ELSE", "RETURN", "SATISFIES")
                and stack
                and stack[-1] == tok.type
            ):
                stack.pop()
            if tok.type in _OPENS:
                stack.append(_OPENS[tok.type])
    except FeelError:
        return None
    return stack[-1] if stack else None


_CLOSERS = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE"}


def _innermost_closer(text: str, pos: int) -> str | None:
    """The closing bracket of the innermost bracket still open before ``pos``."""
    stack: list[str] = []
    prev = ""
    try:
        for tok in tokenize(text[:pos]):
            if tok.type in _CLOSERS:
                plain = tok.type == "LPAR" and prev != "NAME"
                stack.append(_CLOSERS[tok.type] + ("" if plain else ","))
            elif tok.type in ("RPAR", "RSQB", "RBRACE") and stack:
                stack.pop()
            prev = tok.type
    except FeelError:
        return None
    return stack[-1] if stack else None


def _syntax_error(text: str, exc: Exception) -> FeelSyntaxError:
    if isinstance(exc, FeelError):
        return FeelSyntaxError(exc.message, expression=text, position=exc.position)
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        pos = _pos(tok) if tok.type != "$END" else len(text)
        found = "end of the expression" if tok.type == "$END" else f"'{tok.value}'"
        expected = sorted(_TOKEN_TEXT[e] for e in exc.expected if e in _TOKEN_TEXT)
        closer = _innermost_closer(text, pos)
        comma = closer is not None and closer.endswith(",")
        closer = closer.rstrip(",") if closer is not None else None
        closing = [_TOKEN_TEXT[closer]] if closer is not None and closer in exc.expected else []
        pending = _pending_keyword(text, pos)
        keywords = [_TOKEN_TEXT[pending]] if pending is not None and pending in exc.expected else []
        if expected and len(expected) <= 4:
            hint = f"; expected {' or '.join(expected)}"
        elif keywords:
            hint = f"; expected {' or '.join(keywords)}"
        elif closing:
            also = ", ','" if comma else ""
            hint = f"; expected {closing[0]}{also} or an operator"
        else:
            hint = ""
        return FeelSyntaxError(f"unexpected {found}{hint}", expression=text, position=pos)
    if isinstance(exc, (UnexpectedCharacters, UnexpectedInput)):
        return FeelSyntaxError(
            "unexpected input", expression=text, position=getattr(exc, "pos_in_stream", None)
        )
    return FeelSyntaxError(f"cannot parse the expression: {exc}", expression=text)


def parse_expression(text: str) -> ast.Node:
    """Parse a FEEL expression; raise :class:`FeelSyntaxError`."""
    if not text.strip():
        raise FeelSyntaxError("the expression is empty", expression=text, position=0)
    try:
        node: ast.Node = _EXPRESSION_PARSER.parse(text)  # type: ignore[assignment]
        return node
    except (LarkError, FeelError) as exc:
        raise _syntax_error(text, exc) from None
    except RecursionError:
        raise FeelSyntaxError("expression is nested too deeply", expression=text) from None
    except Exception as exc:  # the caller must only ever see FeelError
        raise FeelSyntaxError(f"cannot parse the expression ({exc!r})", expression=text) from None


def parse_unary_tests(text: str) -> ast.UnaryTests:
    """Parse DMN unary tests (``-``, ``< 10``, ``"a","b"``, ``not(...)``)."""
    if not text.strip():
        return ast.UnaryTests(any_input=True)
    try:
        tests: ast.UnaryTests = _UNARY_PARSER.parse(text)  # type: ignore[assignment]
        return tests
    except (LarkError, FeelError) as exc:
        first = _syntax_error(text, exc)
    except RecursionError:
        raise FeelSyntaxError("unary tests are nested too deeply", expression=text) from None
    except Exception as exc:  # the caller must only ever see FeelError
        raise FeelSyntaxError(f"cannot parse the unary tests ({exc!r})", expression=text) from None
    # "not(x) = y" is an expression, not a negation: retry as plain tests like feel-scala
    if text.lstrip().startswith("not"):
        try:
            expression: ast.Node = _EXPRESSION_PARSER.parse(text)  # type: ignore[assignment]
            return ast.UnaryTests(tests=(ast.ExpressionPut(expression),))
        except (LarkError, FeelError, RecursionError):
            pass
    raise first
