"""Text normalisation and boilerplate blanking that never lose track of offsets.

``normalise`` maps typographic apostrophes, exotic spaces and control
characters to plain ASCII counterparts one-for-one (so offsets do not move and
``Document.norm_map`` stays None) and only removes characters that carry no
text (soft hyphens, zero-width spaces/joiners, BOM, the CR of a CRLF pair); when
it removes any, it returns an index map from normalised to original offsets.
``strip_boilerplate`` replaces page furniture (share buttons, comment forms,
cookie banners, "Lire aussi" lines, copyright lines...) by spaces, keeping the
length and the newlines, using the regular expressions of
``data/<lang>/boilerplate.yaml``. ``prepare`` fills ``norm_text``/``norm_map``
of a ``Document``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import overload

import yaml

from dragoman.errors import DataFileError
from dragoman.schema import Document

# One-for-one replacements (length preserving).
_APOSTROPHES = "\u2019\u2018\u02bc"
_SPACES = "\u00a0\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u205f\u3000\u1680"
_LINE_BREAKS = "\u2028\u2029\u0085"
_TABLE: dict[int, str] = {}
for _c in range(0x20):
    if chr(_c) not in "\n\t\r":
        _TABLE[_c] = " "
for _c in range(0x7F, 0xA0):
    _TABLE[_c] = " "
_TABLE.update({ord(c): "'" for c in _APOSTROPHES})
_TABLE.update({ord(c): " " for c in _SPACES})
_TABLE.update({ord(c): "\n" for c in _LINE_BREAKS})

# Characters without any visible content: removed (needs a map).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# A CR directly followed by LF is removed; the LF then stands for the pair (its
# map entry points at the CR) so a span never separates the two.
_REMOVE_RE = re.compile(f"[{_INVISIBLE}]|\r(?=\n)")
_LONE_CR_RE = re.compile("\r")


class OffsetMap(Sequence[int]):
    """``norm index -> original index`` for a normalised text, len(norm_text) + 1 entries.

    Stored as a step function (one breakpoint per removed character), so a
    10 MB file with CRLF line ends costs kilobytes instead of hundreds of MB.
    Behaves like the ``list[int]`` described in ``Document.norm_map``.
    """

    __slots__ = ("_length", "_points", "_deltas")

    def __init__(self, length: int, points: list[int], deltas: list[int]):
        self._length = length  # number of entries = len(norm_text) + 1
        self._points = points  # norm indices where the delta changes (sorted, unique)
        self._deltas = deltas  # delta (orig - norm) from that point on

    def _at(self, i: int) -> int:
        k = bisect_right(self._points, i) - 1
        return i + (self._deltas[k] if k >= 0 else 0)

    @overload
    def __getitem__(self, i: int) -> int: ...

    @overload
    def __getitem__(self, i: slice) -> list[int]: ...

    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return [self._at(j) for j in range(*i.indices(self._length))]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError("norm_map index out of range")
        return self._at(i)

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[int]:
        return (self._at(j) for j in range(self._length))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetMap | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OffsetMap(len={self._length}, breakpoints={len(self._points)})"


def normalise(text: str) -> tuple[str, OffsetMap | None]:
    """Normalise ``text``; return ``(norm_text, norm_map)`` (map None when lengths match).

    For any span ``[a, b)`` of the result, ``normalise(text[m[a]:m[b]])[0] == norm[a:b]``.
    """
    text = text.translate(_TABLE)
    if "\r" not in text and not any(c in text for c in _INVISIBLE):
        return text, None
    pieces: list[str] = []
    points: list[int] = []
    deltas: list[int] = []
    prev = 0
    norm_len = 0
    removed = 0
    for m in _REMOVE_RE.finditer(text):
        p = m.start()
        pieces.append(text[prev:p])
        norm_len += p - prev
        prev = p + 1
        removed += 1
        # The LF after a removed CR keeps the CR's index; later characters shift.
        at = norm_len + 1 if text[p] == "\r" else norm_len
        if points and points[-1] == at:
            deltas[-1] = removed
        else:
            points.append(at)
            deltas.append(removed)
    pieces.append(text[prev:])
    norm = _LONE_CR_RE.sub("\n", "".join(pieces))
    if not removed:
        return norm, None
    return norm, OffsetMap(len(norm) + 1, points, deltas)


# --------------------------------------------------------------------------- boilerplate

_DATA = resources.files("dragoman") / "data"
BOILERPLATE_LANGS: tuple[str, ...] = ("fr", "en")
_MAX_LINE = 600  # page furniture lines are short; longer lines are article text


class BoilerplatePatterns:
    """Compiled patterns: ``line`` blanks one line, ``tail`` blanks the line and all after it."""

    def __init__(self, line: list[re.Pattern[str]], tail: list[re.Pattern[str]]):
        self.line = _combine(line)
        self.tail = _combine(tail)


def _combine(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)


def load_boilerplate_file(path: Path | str) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """Read and validate one ``boilerplate.yaml``: mapping with ``line`` and ``tail`` lists of regexes.

    Each regex must match a whole (stripped) line; it is compiled case-insensitively.
    """
    path = Path(str(path))
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"cannot read: {err}", where=str(path)) from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataFileError(f"invalid YAML: {getattr(err, 'problem', err)}", where=where) from err
    if root is None:
        return [], []
    if not isinstance(root, yaml.MappingNode):
        raise DataFileError("expected a mapping with keys 'line' and 'tail'", where=f"{path}:1")
    out: dict[str, list[re.Pattern[str]]] = {"line": [], "tail": []}
    for key_node, value_node in root.value:
        key = key_node.value
        where = f"{path}:{key_node.start_mark.line + 1}"
        if key not in out:
            raise DataFileError(f"unknown key {key!r} (expected 'line' or 'tail')", where=where)
        if not isinstance(value_node, yaml.SequenceNode):
            raise DataFileError(f"{key!r} must be a list of regular expressions", where=where)
        for item in value_node.value:
            item_where = f"{path}:{item.start_mark.line + 1}"
            if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                raise DataFileError("expected a non-empty regular expression string", where=item_where)
            try:
                pat = re.compile(str(item.value), re.IGNORECASE)
            except re.error as err:
                raise DataFileError(f"bad regular expression {item.value!r}: {err}", where=item_where) from err
            if pat.fullmatch(""):
                raise DataFileError(f"regular expression {item.value!r} matches an empty line",
                                    where=item_where)
            out[key].append(pat)
    return out["line"], out["tail"]


@lru_cache(maxsize=1)
def boilerplate_patterns() -> BoilerplatePatterns:
    """Patterns of all languages together (they do not collide), loaded once."""
    line: list[re.Pattern[str]] = []
    tail: list[re.Pattern[str]] = []
    for lang in BOILERPLATE_LANGS:
        res = _DATA / lang / "boilerplate.yaml"
        with resources.as_file(res) as path:
            ln, tl = load_boilerplate_file(path)
        line += ln
        tail += tl
    return BoilerplatePatterns(line, tail)


_LINE_RE = re.compile(r"[^\n]*")


def strip_boilerplate(norm_text: str, patterns: BoilerplatePatterns | None = None) -> str:
    """Blank page furniture (replace by spaces, keep newlines); the length never changes."""
    pats = patterns or boilerplate_patterns()
    out: list[str] = []
    pos = 0
    for m in _LINE_RE.finditer(norm_text):
        line = m.group()
        if not line:
            continue
        stripped = line.strip()
        if not stripped or len(stripped) > _MAX_LINE:
            continue
        if pats.tail is not None and pats.tail.fullmatch(stripped):
            out.append(norm_text[pos:m.start()])
            rest = norm_text[m.start():]
            out.append(re.sub(r"[^\n]", " ", rest))
            return "".join(out)
        if pats.line is not None and pats.line.fullmatch(stripped):
            out.append(norm_text[pos:m.start()])
            out.append(" " * len(line))
            pos = m.end()
    out.append(norm_text[pos:])
    return "".join(out)


def prepare(doc: Document) -> Document:
    """Fill ``doc.norm_text`` and ``doc.norm_map`` (normalise, then blank boilerplate)."""
    norm, norm_map = normalise(doc.text)
    doc.norm_text = strip_boilerplate(norm)
    doc.norm_map = norm_map  # type: ignore[assignment]  # OffsetMap is a Sequence[int]
    return doc
