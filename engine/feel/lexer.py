"""Tokenizer for FEEL, plugged into lark's LALR parser as a custom lexer.

FEEL cannot be tokenized by a context-free lexer: names may contain spaces (``string length``,
``last day of month``, ``date and time`` even contains the keyword ``and``), context keys may
be almost any text (``{first name: 1, a+b: 2}``) and named parameters look like context keys
(``substring(string: "abc", start position: 2)``).  feel-scala solves this with a PEG parser
that backtracks; we solve it here, with one character of state per bracket, so the grammar
(``grammar.lark``) stays LALR and parsing stays linear in the length of the text.

Rules (they follow feel-scala's parser):

* a run of words separated by spaces directly followed by ``(`` is one function name, unless a
  word is a keyword (``if``, ``then``, ``and`` ...);  ``date and time``, ``years and months
  duration``, ``get or else``, ``and`` and ``or`` are function names when followed by ``(`` in
  a place where a value may start;
* after ``{`` or a ``,`` inside a context, everything up to ``:`` is the key;
* after the ``(`` of a call or a ``,`` in its arguments, ``name words :`` is a parameter name;
* after ``instance of`` comes a type name, which may be ``date and time`` etc.;
* after ``.``, ``time offset`` is one property name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lark import Token

from .errors import FeelSyntaxError

MAX_NESTING = 64

# feel-scala's reserved words plus the words that start a construct
KEYWORDS = {
    "if": "IF",
    "then": "THEN",
    "else": "ELSE",
    "for": "FOR",
    "in": "IN",
    "return": "RETURN",
    "some": "SOME",
    "every": "EVERY",
    "satisfies": "SATISFIES",
    "and": "AND",
    "or": "OR",
    "between": "BETWEEN",
    "function": "FUNCTION",
    "true": "TRUE",
    "false": "FALSE",
    "null": "NULL",
}
_NOT_IN_FUNCTION_NAMES = set(KEYWORDS) | {"instance"}

_SPECIAL_FUNCTION_NAMES = re.compile(
    r"(date and time|years and months duration|get or else|and|or)(?=\s*\()"
)
_TYPE_NAMES = re.compile(
    r"(years and months duration|days and time duration|date and time|function)\b"
)
# FEEL's whitespace: Unicode spaces plus a few that Python's \s does not know
_SPACE = "\\s\u180e\u200b\ufeff"
_WS = re.compile(rf"(?:[{_SPACE}]+|//[^\n]*|/\*.*?\*/)+", re.S)
_WORD = re.compile(r"[^\W\d][\w$]*|\$[\w$]*")
_WORD_RUN = re.compile(r"(?:[^\W\d][\w$]*|\$[\w$]*)(?: +(?:[^\W\d][\w$]*|\$[\w$]*))*")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|\.[0-9]+")
_STRING = re.compile(r'"(?:\\.|[^"\\])*"', re.S)
_BACKTICK = re.compile(r"`([^`]+)`")
_PARAM = re.compile(r"((?:[^\W\d][\w$]*)(?: +(?:[^\W\d][\w$]*))*|`[^`]+`)\s*:(?!=)")
# a parameter name of a function definition: words separated by spaces, up to "," or ")"
_FUNCTION_PARAM = re.compile(r"((?:[^\W\d][\w$]*)(?: +(?:[^\W\d][\w$]*))*|`[^`]+`)(?=\s*[,)])")
_CONTEXT_KEY = re.compile(r'[^"{}:,\[\]`]+')
_OPEN_RANGE_END = re.compile(r"\s*(?:$|[,)\]}=]|!=|(?:and|or|then|else|return|satisfies)\b)")
_QUALIFIED_NAME = re.compile(r"[^\W\d][\w$]*(?:\.[^\W\d][\w$]*)*")
_DIGITS = frozenset("0123456789")
_NOT_NAMES = {"instance", "of", "not"}
_CALL_FOLLOWS = re.compile(r"\s*\(")
_INSTANCE_OF = re.compile(r"instance\s+of\b")
_TIME_OFFSET = re.compile(r"time offset\b")

_OPERATORS = [
    ("..", "DOTDOT"),
    ("**", "POW"),
    ("<=", "LE"),
    (">=", "GE"),
    ("!=", "NE"),
    ("(", "LPAR"),
    (")", "RPAR"),
    ("[", "LSQB"),
    ("]", "RSQB"),
    ("{", "LBRACE"),
    ("}", "RBRACE"),
    (",", "COMMA"),
    (":", "COLON"),
    (".", "DOT"),
    ("+", "PLUS"),
    ("-", "MINUS"),
    ("*", "STAR"),
    ("/", "SLASH"),
    ("<", "LT"),
    (">", "GT"),
    ("=", "EQ"),
    ("@", "AT"),
    ("?", "QMARK"),
]
_TWO_CHAR = {op: name for op, name in _OPERATORS if len(op) == 2}
_ONE_CHAR = {op: name for op, name in _OPERATORS if len(op) == 1}

# token types after which a value has just ended (so a following word is an operator)
_VALUE_END = {
    "NAME",
    "NUMBER",
    "STRING",
    "RPAR",
    "RSQB",
    "RBRACE",
    "TRUE",
    "FALSE",
    "NULL",
    "QMARK",
    "TYPENAME",
}


def tokenize(text: str, *, unary_tests: bool = False) -> Iterator[Token]:
    """Yield lark tokens for ``text``; raise :class:`FeelSyntaxError` on a character FEEL
    does not know or on nesting deeper than ``MAX_NESTING``."""
    pos = 0
    n = len(text)
    # one entry per open bracket: "(" plain, "c" call arguments, "[" and "{"
    stack: list[str] = []
    prev = ""  # type of the previous token

    def tok(kind: str, value: str, start: int, end: int) -> Token:
        # line/column are computed only when an error is reported (errors.FeelError)
        return Token(kind, value, start, end_pos=end)

    expect_key = False  # next thing is a context key
    expect_param = False  # next thing may be a named parameter
    expect_fparam = False  # next thing is a parameter of a function definition
    expect_type = False  # next thing is a type name (after "instance of")
    first = True
    while True:
        m = _WS.match(text, pos)
        if m:
            pos = m.end()
        if pos >= n:
            break
        c = text[pos]
        start = pos
        if expect_type:
            expect_type = False
            m = _TYPE_NAMES.match(text, pos)
            if m is None:
                m = _QUALIFIED_NAME.match(text, pos)
            if m is None:
                raise FeelSyntaxError(
                    "expected a type name after 'instance of'", expression=text, position=pos
                )
            pos = m.end()
            prev = "TYPENAME"
            yield tok("TYPENAME", m.group(0), start, pos)
            continue
        if expect_key:
            expect_key = False
            if c == "}":
                pass  # empty context, handled below as an operator
            elif c == '"':
                m = _STRING.match(text, pos)
                if m is None:
                    raise FeelSyntaxError("unterminated string", expression=text, position=pos)
                pos = m.end()
                prev = "KEY"
                yield tok("KEY", unescape_string(m.group(0)[1:-1]), start, pos)
                continue
            elif c == "`":
                m = _BACKTICK.match(text, pos)
                if m is None:
                    raise FeelSyntaxError("unterminated `name`", expression=text, position=pos)
                pos = m.end()
                prev = "KEY"
                yield tok("KEY", m.group(1), start, pos)
                continue
            else:
                m = _CONTEXT_KEY.match(text, pos)
                if m is None:
                    raise FeelSyntaxError("expected a context key", expression=text, position=pos)
                key = m.group(0).rstrip()
                if key in ("null", "true", "false"):
                    raise FeelSyntaxError(
                        f"'{key}' cannot be a context key without quotes",
                        expression=text,
                        position=start,
                    )
                pos = start + len(key)
                prev = "KEY"
                yield tok("KEY", key, start, pos)
                continue
        if expect_param:
            expect_param = False
            m = _PARAM.match(text, pos)
            if m is not None:
                name = m.group(1)
                # kept as written: feel-scala matches "test   name" only to "test   name"
                value = name[1:-1] if name.startswith("`") else name
                if value not in KEYWORDS:
                    pos = m.start(1) + len(name)
                    prev = "PARAM"
                    yield tok("PARAM", value, start, pos)
                    continue
        if expect_fparam:
            expect_fparam = False
            m = _FUNCTION_PARAM.match(text, pos)
            if m is not None:
                name = m.group(1)
                pos = m.start(1) + len(name)
                prev = "NAME"
                yield tok("NAME", name[1:-1] if name.startswith("`") else name, start, pos)
                continue
        value_ended = prev in _VALUE_END
        if c == '"':
            m = _STRING.match(text, pos)
            if m is None:
                raise FeelSyntaxError(
                    'unterminated string (a " is missing)', expression=text, position=pos
                )
            pos = m.end()
            prev = "STRING"
            yield tok("STRING", unescape_string(m.group(0)[1:-1]), start, pos)
        elif c in _DIGITS or (
            c == "." and not value_ended and pos + 1 < n and text[pos + 1] in _DIGITS
        ):
            m = _NUMBER.match(text, pos)
            assert m is not None
            pos = m.end()
            prev = "NUMBER"
            yield tok("NUMBER", m.group(0), start, pos)
        elif c == "`":
            m = _BACKTICK.match(text, pos)
            if m is None:
                raise FeelSyntaxError("unterminated `name`", expression=text, position=pos)
            pos = m.end()
            prev = "NAME"
            yield tok("NAME", m.group(1), start, pos)
        elif c.isalpha() or c == "_" or c == "$":
            if prev == "DOT":
                m = _TIME_OFFSET.match(text, pos)
                if m is None:
                    m = _WORD.match(text, pos)
                assert m is not None
                pos = m.end()
                prev = "NAME"
                yield tok("NAME", m.group(0), start, pos)
                continue
            if unary_tests and first and text.startswith("not", pos):
                m = _CALL_FOLLOWS.match(text, pos + 3)
                if m is not None:
                    pos += 3
                    prev = "NOT"
                    yield tok("NOT", "not", start, pos)
                    first = False
                    continue
            if not value_ended:
                m = _SPECIAL_FUNCTION_NAMES.match(text, pos)
                if m is not None:
                    pos = m.end()
                    prev = "NAME"
                    yield tok("NAME", m.group(1), start, pos)
                    first = False
                    continue
            m = _INSTANCE_OF.match(text, pos)
            if m is not None and value_ended:
                pos = m.end()
                prev = "INSTANCE_OF"
                expect_type = True
                yield tok("INSTANCE_OF", "instance of", start, pos)
                continue
            m = _WORD_RUN.match(text, pos)
            assert m is not None
            words = m.group(0).split(" ")
            word = words[0]
            end = pos + len(word)
            if len(words) > 1 and not value_ended and word not in _NOT_IN_FUNCTION_NAMES:
                # longest run of non-keywords; a function name if "(" follows
                k = 1
                while k < len(words) and words[k] and words[k] not in _NOT_IN_FUNCTION_NAMES:
                    k += 1
                candidate = [w for w in words[:k] if w]
                if len(candidate) > 1:
                    run_end = pos + len(" ".join(words[:k]))
                    j = run_end
                    space = _WS.match(text, j)
                    if space is not None:
                        j = space.end()
                    if j < n and text[j] == "(":
                        pos = run_end
                        prev = "NAME"
                        first = False
                        yield tok("NAME", " ".join(candidate), start, pos)
                        continue
            if word in _NOT_NAMES and not (word == "not" and _CALL_FOLLOWS.match(text, end)):
                raise FeelSyntaxError(
                    f"'{word}' is a keyword and cannot be used as a name",
                    expression=text,
                    position=start,
                )
            pos = end
            kind = KEYWORDS.get(word, "NAME")
            prev = kind
            yield tok(kind, word, start, pos)
        else:
            two = text[pos : pos + 2]
            op = _TWO_CHAR.get(two)
            if op is not None:
                kind = op
                pos += 2
            else:
                op = _ONE_CHAR.get(c)
                if op is None:
                    raise FeelSyntaxError(
                        _unexpected_character(text, pos), expression=text, position=pos
                    )
                kind = op
                pos += 1
                # "]1..10[" is the ISO way to write the open range (1..10)
                if (kind == "RSQB" and not value_ended and prev not in ("LSQB", "COMMA")) or (
                    kind == "RSQB" and prev == ""
                ):
                    kind = "LPAR"
                elif kind == "LSQB" and value_ended and _OPEN_RANGE_END.match(text, pos):
                    kind = "RPAR"
            if kind == "EQ" and text.startswith("=", pos):
                raise FeelSyntaxError(
                    "'==' is not FEEL: compare with a single '='", expression=text, position=start
                )
            if kind in ("LPAR", "LSQB", "LBRACE"):
                if len(stack) >= MAX_NESTING:
                    raise FeelSyntaxError(
                        f"expression is nested too deeply (more than {MAX_NESTING} levels)",
                        expression=text,
                        position=start,
                    )
                if kind == "LPAR":
                    is_call = prev == "NAME"
                    is_definition = prev == "FUNCTION"
                    stack.append("c" if is_call else ("f" if is_definition else "("))
                    expect_param = is_call
                    expect_fparam = is_definition
                elif kind == "LBRACE":
                    stack.append("{")
                    expect_key = True
                else:
                    stack.append("[")
            elif kind in ("RPAR", "RSQB", "RBRACE"):
                if stack:
                    stack.pop()
            elif kind == "COMMA" and stack:
                top = stack[-1]
                if top == "{":
                    expect_key = True
                elif top == "c":
                    expect_param = True
                elif top == "f":
                    expect_fparam = True
            prev = kind
            yield tok(kind, text[start:pos], start, pos)
        first = False


_HINTS = {
    "&&": "'&&' is not FEEL: use 'and'",
    "||": "'||' is not FEEL: use 'or'",
    "!": "'!' is not FEEL: use not(...) or '!='",
    "'": 'strings are written in double quotes in FEEL ("text")',
}


def _unexpected_character(text: str, pos: int) -> str:
    for prefix, hint in _HINTS.items():
        if text.startswith(prefix, pos):
            return hint
    return f"unexpected character {text[pos]!r}"


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{6}|.)", re.S)


def unescape_string(body: str) -> str:
    """Translate FEEL string escapes; unknown escapes such as ``\\d`` stay as written so
    regular expressions keep working (as in feel-scala)."""
    if "\\" not in body:
        return body

    def repl(m: re.Match[str]) -> str:
        e = m.group(1)
        if e in _ESCAPES:
            return _ESCAPES[e]
        if len(e) > 1:
            try:
                return chr(int(e[1:], 16))
            except ValueError:
                return m.group(0)
        return m.group(0)

    return _ESCAPE_RE.sub(repl, body)


__all__ = ["MAX_NESTING", "tokenize", "unescape_string"]
