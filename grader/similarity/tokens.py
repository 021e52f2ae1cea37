"""Normalise Python source into tokens that renaming, literals and comments cannot change.

What a copy can change cheaply disappears: comments, blank lines, docstrings and line breaks
inside brackets are dropped; the student's own names become `V`, numbers `N`, strings `S`.
What a copy keeps stays: keywords, operators, indentation (`⟨` `⟩`), builtins, attribute names
(`.Dense`, `.compile`) and keyword-argument names (`activation=`), which the libraries decide.
"""

from __future__ import annotations

import builtins
import io
import keyword
import token
import tokenize
from dataclasses import dataclass

NAME, NUMBER, STRING = "V", "N", "S"
STATEMENT_END, BLOCK_START, BLOCK_END = ";", "⟨", "⟩"  # not brackets: `}` closes a dict
SKIPPED = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER})
BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
STATEMENT_STARTS = frozenset({STATEMENT_END, BLOCK_START, BLOCK_END})
FSTRING_PARTS = frozenset(getattr(tokenize, name) for name in
                          ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                          if hasattr(tokenize, name))  # Python ≥ 3.12 splits f-strings


@dataclass(frozen=True)
class Token:
    """A normalised token and the source line it comes from (1-based)."""

    text: str
    line: int


def raw_tokens(source: str) -> list[tokenize.TokenInfo]:
    """Tokenise as far as the source allows (a broken file keeps its tokens up to the error)."""
    found: list[tokenize.TokenInfo] = []
    try:
        for item in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(item)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


def normalise(source: str) -> list[Token]:
    """Return the source's normalised tokens, each with its line."""
    items = [t for t in raw_tokens(source) if t.type not in SKIPPED]
    out: list[Token] = []
    depth = 0  # bracket depth
    in_header = False  # between `def` and its `:`: parameter names are the student's
    for index, item in enumerate(items):
        text = _normalised(items, index, depth, in_header, out)
        if item.type == token.OP:
            depth += item.string in "([{"
            depth -= item.string in ")]}"
            depth = max(depth, 0)
            if item.string == ":" and depth == 0:
                in_header = False
        if item.type == token.NAME and item.string == "def":
            in_header = True
        if text is None:
            continue
        if text == STRING and out and out[-1].text == STRING:
            continue  # implicitly concatenated strings, or the parts of one f-string
        out.append(Token(text, item.start[0]))
    return out


def _normalised(items: list[tokenize.TokenInfo], index: int, depth: int, in_header: bool,
                out: list[Token]) -> str | None:
    """Return one token's normalised text, or None to drop it."""
    item = items[index]
    kind = item.type
    if kind == tokenize.NEWLINE or (kind == token.OP and item.string == ";"):
        return None if not out or out[-1].text in STATEMENT_STARTS else STATEMENT_END
    if kind == tokenize.INDENT:
        return BLOCK_START
    if kind == tokenize.DEDENT:
        return BLOCK_END
    if kind == tokenize.NUMBER:
        return NUMBER
    if kind == tokenize.STRING or kind in FSTRING_PARTS:
        return None if _is_docstring(items, index, out) else STRING
    if kind == tokenize.NAME:
        return _name(items, index, depth, in_header)
    return item.string


def _is_docstring(items: list[tokenize.TokenInfo], index: int, out: list[Token]) -> bool:
    """Whether a string is a statement on its own (a docstring, a bare string): dropped."""
    starts_statement = not out or out[-1].text in STATEMENT_STARTS
    end = index + 1
    while end < len(items) and (items[end].type == tokenize.STRING
                                or items[end].type in FSTRING_PARTS):
        end += 1
    ends_statement = end >= len(items) or items[end].type in (tokenize.NEWLINE, tokenize.DEDENT)
    return starts_statement and ends_statement


def _name(items: list[tokenize.TokenInfo], index: int, depth: int, in_header: bool) -> str:
    """Keep keywords, builtins, attributes and call keywords; the student's names become V."""
    text = items[index].string
    if keyword.iskeyword(text) or text in BUILTINS:
        return text
    before = items[index - 1] if index else None
    if before is not None and before.type == token.OP and before.string == ".":
        return text
    after = items[index + 1] if index + 1 < len(items) else None
    if (depth and not in_header and after is not None and after.type == token.OP
            and after.string == "="):
        return text  # a keyword argument: the callee decides its name
    return NAME
