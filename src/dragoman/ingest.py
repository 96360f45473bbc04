"""Reading inputs into ``Document`` objects: plain text, HTML, JSONL, WARC, RSS/Atom.

``read_inputs`` walks files, directories and stdin, detects each input's
format (extension, then content sniffing) and encoding (BOM, UTF-8, detection,
cp1252 fallback) and yields prepared documents (``norm_text`` filled by
``dragoman.textnorm.prepare``). Nothing raises out of it: an unreadable file,
a binary or empty file, or a bad JSONL line becomes a ``Document`` whose
``errors`` hold one ``StageError("ingest", code, message)`` and whose
``source`` names the file (``FILE:LINE`` for JSONL), so callers can report it
and go on. ``document_from_text`` and ``document_from_html`` make one
document from a string.
"""

from __future__ import annotations

from datetime import date

from dragoman.errors import InputError
from dragoman.schema import Document
from dragoman.textnorm import prepare

_TITLE_MAX = 250  # a "first line" longer than this is a paragraph, not a title


def _guess_title(text: str) -> str | None:
    """The first line is a title when a blank line follows it (and it does not read like a sentence)."""
    lines = text.lstrip("\ufeff").split("\n", 2)
    if len(lines) < 3 or lines[1].strip():
        return None
    first = lines[0].strip()
    if not first or len(first) > _TITLE_MAX or first.endswith("."):
        return None
    return first


def document_from_text(text: str, *, doc_id: str, lang: str | None = None, pub_date: date | None = None,
                       title: str | None = None, url: str | None = None, source: str | None = None,
                       input_format: str = "text") -> Document:
    """One prepared document from plain text; the title (given, or the first line) stays in ``text``.

    Raises ``InputError`` (E002) when the text is empty or only whitespace.
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}", where=source or doc_id,
                         code="E007")
    if not text.strip():
        raise InputError("empty file (no text)", where=source or doc_id, code="E002")
    if title is None:
        title = _guess_title(text.replace("\r\n", "\n"))
    doc = Document(id=doc_id, text=text, title=title, pub_date=pub_date, lang=lang, url=url,
                   source=source, input_format=input_format)
    return prepare(doc)
