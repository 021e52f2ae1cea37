"""Sentences before they have a language: the judge says what it found as catalogue keys with
parameters (`Said`), and only the renderers' guard puts them into words (grader/localize.py).

Judging a submission once serves every language: `--lang fr` after `--lang en` is a re-render.
Pure, no keras.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.messages import Catalog, translate

MAX_NESTING = 8  # a location inside a subject inside a sentence: a few levels


class Unsaid(TypeError):
    """A sentence was written out before a renderer gave it a language."""


class Unworded:
    """A text without a language yet: writing it out before a renderer says it raises Unsaid."""

    def __str__(self) -> str:
        raise Unsaid(f"{self!r} has no language yet: a renderer says it")

    def __format__(self, spec: str) -> str:
        return str(self)


@dataclass(frozen=True)
class Said(Unworded):
    """A sentence of a catalogue (the engine's or a lab's): its key and its parameters, which
    may themselves be sentences (a location, a subject)."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, name: str, default: Any = None) -> Any:
        """Return one of the sentence's parameters (`default` when it has none of that name)."""
        return dict(self.params).get(name, default)



@dataclass(frozen=True)
class Both(Unworded):
    """A text a lab wrote in each of its languages (a question's or a criterion's title)."""

    en: str
    fr: str = ""


@dataclass(frozen=True)
class Joined(Unworded):
    """Texts said one after the other, with a separator ("Q3 (units=64)", "…; fix q3 first")."""

    parts: tuple[Any, ...]
    separator: str = ""


Text = str | Said | Both | Joined


def said(key: str, **params: Any) -> Said:
    """Return the sentence `key` with its parameters (lists become tuples: a sentence is a value)."""
    return Said(key, tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def joined(*parts: Any, separator: str = "") -> Text:
    """Return texts said one after the other; plain strings are joined at once."""
    kept = tuple(p for p in parts if p != "")
    if all(isinstance(p, str) for p in kept):
        return separator.join(kept)
    return Joined(kept, separator)


def source_text(file: str) -> Text:
    """Name a student's source file as they know it: a notebook's "cell 7" in their language."""
    if file.startswith("cell "):
        return said("file.cell", number=file.removeprefix("cell "))
    return file


def say(text: Any, lang: str, catalog: Catalog | None = None) -> Any:
    """Put a text into words in `lang` (a lab's catalogue first); anything else is returned as is."""
    if isinstance(text, Said):
        return translate(lang, text.key, catalog,
                         **{k: say(v, lang, catalog) for k, v in text.params})
    if isinstance(text, Both):
        return text.fr if lang == "fr" and text.fr else text.en
    if isinstance(text, Joined):
        return text.separator.join(str(say(p, lang, catalog)) for p in text.parts)
    return text


def text_json(text: Any) -> Any:
    """Return a text as JSON: a sentence as its key and parameters, a title in each language,
    joined texts as their parts (text_from_json reads them back)."""
    if isinstance(text, Said):
        return {"said": text.key, "params": {k: text_json(v) for k, v in text.params}}
    if isinstance(text, Both):
        return {"en": text.en, "fr": text.fr}
    if isinstance(text, Joined):
        return {"joined": [text_json(p) for p in text.parts], "separator": text.separator}
    return text


def text_from_json(value: Any, depth: int = 0) -> Any:
    """Read a text written by text_json (a report's sentences); a malformed one raises
    ValueError. Sentences nest a few levels at most: deeper is refused."""
    if not isinstance(value, dict):
        return value
    if depth > MAX_NESTING:
        raise ValueError("a sentence nests too deeply")
    if isinstance(value.get("said"), str) and isinstance(value.get("params", {}), dict):
        return said(value["said"], **{str(k): text_from_json(v, depth + 1)
                                      for k, v in value.get("params", {}).items()})
    if isinstance(value.get("en"), str) and isinstance(value.get("fr", ""), str):
        return Both(value["en"], value.get("fr", ""))
    if isinstance(value.get("joined"), list) and isinstance(value.get("separator", ""), str):
        return Joined(tuple(text_from_json(p, depth + 1) for p in value["joined"]),
                      value.get("separator", ""))
    raise ValueError(f"not a sentence: {sorted(value)[:5]}")


def is_said(text: Any) -> bool:
    """Whether a value is a text not yet put into words."""
    return isinstance(text, Unworded)
