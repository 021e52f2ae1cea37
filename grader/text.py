"""Make student-originated text safe data: valid code points, control characters made visible.

Applied once where student text enters the grader's data (observations read by the parent,
names read from a class's input); renderers receive clean text and still escape for their format.
Cleaning is idempotent: clean_text(clean_text(s)) == clean_text(s).
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
TAB_WIDTH = 4
# C0 controls (but \n), DEL, C1 controls, bidirectional overrides and isolates (Trojan Source),
# line/paragraph separators, lone surrogates, and the non-characters XML 1.0 forbids.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")
_UNSAFE_NO_NEWLINE = re.compile("[\n]|" + _UNSAFE.pattern)


def visible(char: str) -> str:
    """Return the visible form of one unsafe character: ␛ for ESC, \\x85 for C1, U+FFFD if invalid."""
    point = ord(char)
    if point < 0x20:
        return chr(0x2400 + point)  # the Control Pictures block: ␀ … ␟
    if point == 0x7F:
        return "\u2421"  # ␡
    if 0xD800 <= point <= 0xDFFF or point in (0xFFFE, 0xFFFF):
        return REPLACEMENT
    if point <= 0xFF:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}"


def clean_text(text: str, newlines: bool = True) -> str:
    """Return text with every unsafe character made visible (newlines kept when `newlines`)."""
    if newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_WIDTH)
        return _UNSAFE.sub(lambda m: visible(m.group()), text)
    return _UNSAFE_NO_NEWLINE.sub(lambda m: visible(m.group()), text)


def is_clean(text: str, newlines: bool = True) -> bool:
    """Whether text holds no unsafe character (only newlines, when `newlines`)."""
    pattern = _UNSAFE if newlines else _UNSAFE_NO_NEWLINE
    return pattern.search(text) is None and (not newlines or "\r" not in text)


def clean_data(value: Any, newlines: bool = True) -> Any:
    """Return JSON-like data with every string (values and keys) cleaned, newlines kept when
    `newlines` (else made visible: one line each)."""
    if isinstance(value, str):
        return clean_text(value, newlines)
    if isinstance(value, dict):
        return {clean_data(k, newlines) if isinstance(k, str) else k: clean_data(v, newlines)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_data(v, newlines) for v in value]
    return value
