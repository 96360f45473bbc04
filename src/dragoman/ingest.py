"""Reading inputs into ``Document`` objects: plain text, HTML, JSONL, WARC, RSS/Atom.

``read_inputs`` walks files, directories and stdin, detects each input's
format (extension, then content sniffing) and encoding (BOM, UTF-8, detection,
cp1252 fallback) and yields prepared documents (``norm_text`` filled by
``dragoman.textnorm.prepare``). Nothing raises out of it: an unreadable file,
a binary or empty file, or a bad JSONL line becomes a ``Document`` whose
``errors`` hold one ``StageError("ingest", code, message)`` and whose
``source`` names the file (``FILE:LINE`` for JSONL), so callers can report it
and go on. ``document_from_text`` and ``document_from_html`` make one
document from a string; ``iter_documents_from_bytes`` reads an upload.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from dragoman.errors import InputError
from dragoman.schema import Document, StageError
from dragoman.textnorm import prepare

FORMATS: tuple[str, ...] = ("text", "html", "jsonl", "warc", "feed")
_FORMAT_ALIASES = {"auto": "auto", "txt": "text", "md": "text", "markdown": "text", "htm": "html",
                   "ndjson": "jsonl", "rss": "feed", "atom": "feed", "xml": "feed"}
_EXTENSIONS: dict[str, str] = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".warc": "warc", ".arc": "warc",
    ".xml": "feed", ".rss": "feed", ".atom": "feed",
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_TITLE_MAX = 250  # a "first line" longer than this is a paragraph, not a title
_SNIFF = 65536

# Error codes of this module (see docs/ingest.md).
E_READ, E_EMPTY, E_BINARY, E_DECODE = "E001", "E002", "E003", "E004"
E_JSON, E_NO_TEXT, E_TEXT_TYPE, E_DATE = "E005", "E006", "E007", "E008"
E_HTML_EMPTY, E_FEED, E_WARC, E_FORMAT, E_NOT_FOUND = "E009", "E010", "E011", "E012", "E013"
E_FIELD = "E014"


# --------------------------------------------------------------------------- plain text


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
                       input_format: str = "text", meta: dict[str, Any] | None = None) -> Document:
    """One prepared document from plain text; the title (given, or the first line) stays in ``text``.

    Raises ``InputError`` E002 when the text is empty or only whitespace, E007 when it is not a string.
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}", where=source or doc_id,
                         code=E_TEXT_TYPE)
    if not text.strip():
        raise InputError("empty file (no text)", where=source or doc_id, code=E_EMPTY)
    # Lone surrogates (JSON "\ud800") cannot be encoded, hashed or parsed: U+FFFD keeps the offsets.
    text = _SURROGATE.sub("\ufffd", text)
    title = _SURROGATE.sub("\ufffd", title) if title else title
    if title is None:
        title = _guess_title(text.replace("\r\n", "\n"))
    doc = Document(id=doc_id, text=text, title=title, pub_date=pub_date, lang=lang, url=url,
                   source=source, input_format=input_format, meta=dict(meta or {}))
    return prepare(doc)


# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (docx/xlsx/odt...)"), (b"\xd0\xcf\x11\xe0", "MS Office document"),
    (b"\x7fELF", "executable"), (b"7z\xbc\xaf", "7z archive"), (b"Rar!", "RAR archive"),
)
# Single-byte Latin code pages that charset_normalizer confuses with each other: cp1252 decides.
_LATIN = frozenset({
    "ascii", "cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859_2", "iso8859_3",
    "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
    "mac_roman", "mac_latin2", "mac_iceland", "mac_turkish", "cp437", "cp850", "cp852", "cp858",
    "cp1125", "cp775", "cp860", "cp861", "cp863", "cp865", "hp_roman8",
})
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x0b\x1b")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without BOM: NUL bytes at almost every odd (LE) or even (BE) position."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _binary_reason(head: bytes) -> str | None:
    """Why ``head`` (the first bytes of a file) is not text, or None."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "NUL bytes"
    controls = sum(head.count(b) for b in _CONTROL_BYTES)
    if head and controls / len(head) > 0.05:
        return "control bytes"
    return None


def decode_bytes(data: bytes, where: str, *, declared: str | None = None) -> str:
    """Decode a file's bytes: BOM, valid UTF-8, the declared charset, detection, then cp1252/latin-1.

    Raises ``InputError`` E003 for binary data, E004 for undecodable UTF-16/32, E002 when empty.
    """
    text: str | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc)
            except UnicodeDecodeError as err:
                raise InputError(f"invalid {enc} text after its byte order mark: {err.reason} at byte "
                                 f"{err.start + len(bom)}", where=where, code=E_DECODE) from err
            break
    if text is None:
        head = data[:_SNIFF]
        enc16 = _utf16_without_bom(head) if b"\x00" in head else None
        reason = None if enc16 else _binary_reason(head)
        if reason:
            raise InputError(f"looks like binary data ({reason}), not text", where=where, code=E_BINARY)
        if enc16:
            try:
                text = data.decode(enc16)
            except UnicodeDecodeError as err:
                raise InputError(f"invalid {enc16} text: {err.reason}", where=where, code=E_DECODE) from err
        else:
            text = _decode_8bit(data, declared)
    if not text.strip():
        raise InputError("empty file (no text)", where=where, code=E_EMPTY)
    return text


def _decode_8bit(data: bytes, declared: str | None) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            enc = codecs.lookup(declared).name
            if enc not in ("utf-8", "utf-16", "utf-32"):
                return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    import charset_normalizer  # imported late: only needed for non-UTF-8 input

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None and best.encoding not in _LATIN:
        try:
            return data.decode(best.encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --------------------------------------------------------------------------- HTML

_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)""", re.I)


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n") if p.strip()]


def document_from_html(html: str | bytes, *, doc_id: str, source: str | None = None,
                       pub_date: date | None = None, lang: str | None = None, url: str | None = None,
                       charset: str | None = None) -> Document:
    """One prepared document from an HTML page: trafilatura's article body without comments.

    ``doc.text`` is ``title + "\\n\\n" + body`` (paragraphs separated by blank
    lines). The page's own date wins over ``pub_date`` (a fallback); its
    ``<html lang>`` is kept as ``meta["html_lang"]`` (a hint for short texts).
    Raises ``InputError`` E009 when no article text is found.
    """
    import trafilatura  # heavy import, only for HTML

    where = source or doc_id
    if isinstance(html, bytes):
        head = html[:4096]
        m = _META_CHARSET.search(head)
        html = decode_bytes(html, where, declared=charset or (m.group(1).decode("ascii") if m else None))
    if not html.strip():
        raise InputError("empty file (no text)", where=where, code=E_EMPTY)
    try:
        ext = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True,
                                          include_tables=True)
    except Exception as err:  # noqa: BLE001 - lxml/trafilatura errors on broken markup
        raise InputError(f"cannot parse HTML: {type(err).__name__}: {err}", where=where,
                         code=E_HTML_EMPTY) from err
    body = _paragraphs(ext.text or "") if ext is not None else []
    title = " ".join((ext.title or "").split()) if ext is not None else ""
    if body and title and body[0] == title:
        body = body[1:]
    if not body:
        raise InputError("no article text found in the HTML (only scripts, menus or no body)", where=where,
                         code=E_HTML_EMPTY)
    text = "\n\n".join(([title] if title else []) + body)
    meta: dict[str, Any] = {}
    m = _HTML_LANG.search(html[:4096])
    if m:
        meta["html_lang"] = m.group(1)
    page_date = _parse_date(ext.date) if ext.date else None
    doc = Document(id=doc_id, text=text, title=title or None, pub_date=page_date or pub_date, lang=lang,
                   url=ext.url or url, site=ext.sitename or None, source=source, input_format="html",
                   meta=meta)
    return prepare(doc)


class _FragmentText(HTMLParser):
    """Text of an HTML fragment (feed item content), blank lines between blocks."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "tr", "table", "section", "article", "figure", "figcaption", "pre"})
    _SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "svg"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_fragment_text(fragment: str) -> str:
    """Paragraphs of an HTML fragment joined by blank lines (plain text passes through)."""
    parser = _FragmentText()
    parser.feed(fragment)
    parser.close()
    return "\n\n".join(_paragraphs("".join(parser.parts)))


# --------------------------------------------------------------------------- JSONL


def _parse_date(value: Any) -> date | None:
    """ISO date or datetime string (``2024-03-12``, ``2024-03-12T10:00:00Z``) -> date; ValueError else."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date string, got {type(value).__name__} {value!r}")
    s = value.strip()
    try:
        return date.fromisoformat(s)
    except ValueError:
        return datetime.fromisoformat(s).date()


def error_document(err: InputError, *, doc_id: str, source: str, input_format: str) -> Document:
    """A document that only reports ``err`` (empty text, one ``StageError("ingest", ...)``)."""
    return Document(id=doc_id, text="", source=source, input_format=input_format, norm_text="",
                    errors=[StageError("ingest", err.code, str(err))])



_JSONL_KNOWN = ("id", "text", "title", "pub_date", "lang", "url")


def document_from_record(rec: Any, *, where: str, default_id: str, lang: str | None = None,
                         pub_date: date | None = None) -> Document:
    """One JSONL record -> prepared document. Raises ``InputError`` E005-E008 and E014."""
    if not isinstance(rec, dict):
        raise InputError(f"expected a JSON object, got {type(rec).__name__}", where=where, code=E_JSON)
    if "text" not in rec or rec["text"] is None:
        raise InputError("missing 'text' field", where=where, code=E_NO_TEXT)
    text = rec["text"]
    if not isinstance(text, str):
        raise InputError(f"'text' must be a string, got {type(text).__name__}", where=where, code=E_TEXT_TYPE)
    if not text.strip():
        raise InputError("empty 'text' field", where=where, code=E_EMPTY)
    try:
        rec_date = _parse_date(rec.get("pub_date"))
    except ValueError as err:
        raise InputError(f"bad 'pub_date' {rec.get('pub_date')!r}: not an ISO date or datetime ({err})",
                         where=where, code=E_DATE) from err
    for key in ("title", "lang", "url"):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            raise InputError(f"{key!r} must be a string, got {type(rec[key]).__name__}", where=where,
                             code=E_FIELD)
    doc_id = rec.get("id")
    doc_id = default_id if doc_id is None or doc_id == "" else str(doc_id)
    meta = {k: v for k, v in rec.items() if k not in _JSONL_KNOWN}
    return document_from_text(text, doc_id=doc_id, lang=rec.get("lang") or lang,
                              pub_date=rec_date or pub_date, title=rec.get("title"), url=rec.get("url"),
                              source=where, input_format="jsonl", meta=meta)


def iter_jsonl(stream: IO[bytes], name: str, *, lang: str | None = None,
               pub_date: date | None = None) -> Iterator[Document]:
    """Documents of a JSONL stream, one per non-blank line; bad lines become error documents."""
    seen = 0
    for no, raw in enumerate(stream, 1):
        where = f"{name}:{no}"
        if no == 1:
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            reason = _binary_reason(raw[:_SNIFF])
            if reason:
                err = InputError(f"looks like binary data ({reason}), not JSONL", where=name, code=E_BINARY)
                yield error_document(err, doc_id=name, source=name, input_format="jsonl")
                return
        if not raw.strip():
            continue
        seen += 1
        rec: Any = None
        try:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise InputError(f"line is not valid UTF-8 ({err.reason} at byte {err.start})", where=where,
                                 code=E_DECODE) from err
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"malformed JSON: {err.msg} at column {err.colno}", where=where,
                                 code=E_JSON) from err
            yield document_from_record(rec, where=where, default_id=where, lang=lang, pub_date=pub_date)
        except InputError as err:
            rid = rec.get("id") if isinstance(rec, dict) else None
            yield error_document(err, doc_id=str(rid) if rid not in (None, "") else where, source=where,
                             input_format="jsonl")
    if not seen:
        err = InputError("empty file (no JSONL records)", where=name, code=E_EMPTY)
        yield error_document(err, doc_id=name, source=name, input_format="jsonl")


# --------------------------------------------------------------------------- WARC and feeds


def iter_warc(stream: IO[bytes], name: str, *, lang: str | None = None,
              pub_date: date | None = None) -> Iterator[Document]:
    """One document per HTML response record; other records are skipped silently.

    Pages without article text come back with ``skipped`` set (not errors):
    crawls hold many index and redirect pages.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            ctype = record.http_headers.get_header("Content-Type") or ""
            status = record.http_headers.get_statuscode() or ""
            if "html" not in ctype.lower() or not status.startswith("2"):
                continue
            n += 1
            uri = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{name}#{n}"
            payload = record.content_stream().read()
            m = re.search(r"charset=([\w.:-]+)", ctype, re.I)
            try:
                doc = document_from_html(payload, doc_id=where, source=where, pub_date=pub_date, lang=lang,
                                         url=uri, charset=m.group(1) if m else None)
            except InputError as err:
                if err.code in (E_HTML_EMPTY, E_EMPTY):
                    yield Document(id=where, text="", source=where, url=uri, input_format="warc",
                                   norm_text="", skipped=f"no article text in WARC record ({uri})")
                    continue
                yield error_document(err, doc_id=where, source=where, input_format="warc")
                continue
            doc.input_format = "warc"
            doc.meta["warc_record"] = n
            yield doc
    except Exception as err:  # noqa: BLE001 - warcio raises anything (AttributeError...) on a corrupt file
        reason = str(err) if isinstance(err, (ArchiveLoadFailed, OSError, EOFError)) else (
            f"corrupt record ({type(err).__name__}: {err})")
        err2 = InputError(f"cannot read WARC after {n} HTML record(s): {reason[:200]}", where=name, code=E_WARC)
        yield error_document(err2, doc_id=f"{name}#error", source=name, input_format="warc")
        return
    if n == 0:  # a WARC of images, requests or metadata only: say so instead of yielding nothing
        err2 = InputError("no HTML response record in this WARC (only other content types or record kinds)",
                          where=name, code=E_WARC)
        yield error_document(err2, doc_id=f"{name}#error", source=name, input_format="warc")


def _struct_date(value: Any) -> date | None:
    try:
        return date(value.tm_year, value.tm_mon, value.tm_mday) if value else None
    except (AttributeError, ValueError):
        return None


def iter_feed(data: bytes, name: str, *, lang: str | None = None,
              pub_date: date | None = None) -> Iterator[Document]:
    """One document per RSS/Atom item: its content (or summary), title, link and date."""
    import feedparser

    try:
        feed = feedparser.parse(data)
    except Exception as err:  # noqa: BLE001 - feedparser fails on e.g. "&#xD800;" (a surrogate)
        yield error_document(InputError(f"not a readable RSS/Atom feed ({type(err).__name__}: {err})", where=name,
                                    code=E_FEED), doc_id=name, source=name, input_format="feed")
        return
    entries = feed.get("entries") or []
    if not entries:
        problem = feed.get("bozo_exception")
        msg = f"not a readable RSS/Atom feed ({problem})" if problem else "RSS/Atom feed without items"
        yield error_document(InputError(msg, where=name, code=E_FEED), doc_id=name, source=name,
                         input_format="feed")
        return
    feed_lang = (feed.get("feed") or {}).get("language")
    for i, entry in enumerate(entries, 1):
        where = f"{name}#{i}"
        contents = entry.get("content") or []
        raw = contents[0].get("value", "") if contents else entry.get("summary", "")
        body = html_fragment_text(raw or "")
        title = " ".join((entry.get("title") or "").split())
        if body and title and body.split("\n", 1)[0] == title:
            body = body.split("\n\n", 1)[1] if "\n\n" in body else ""
        text = "\n\n".join(p for p in (title, body) if p)
        doc_id = entry.get("id") or entry.get("link") or where
        try:
            doc = document_from_text(text, doc_id=str(doc_id), lang=lang, title=title or None,
                                     pub_date=_struct_date(entry.get("published_parsed")
                                                           or entry.get("updated_parsed")) or pub_date,
                                     url=entry.get("link"), source=where, input_format="feed")
        except InputError as err:
            yield error_document(err, doc_id=str(doc_id), source=where, input_format="feed")
            continue
        if feed_lang:
            doc.meta["html_lang"] = feed_lang
        yield doc


# --------------------------------------------------------------------------- format detection


def format_from_name(name: str) -> str | None:
    """Input format implied by a file name, or None (``.warc.gz`` -> warc)."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return _EXTENSIONS.get(Path(lower).suffix)


def sniff_format(data: bytes) -> str:
    """Guess the format from the first bytes (after decompression)."""
    head = data[:4096]
    for bom, enc in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):].decode(enc, errors="ignore").encode("utf-8")
            break
    stripped = head.lstrip()
    low = stripped[:1024].lower()
    if stripped.startswith(b"WARC/"):
        return "warc"
    if low.startswith(b"<?xml"):
        if b"<rss" in low or b"<feed" in low or b"<rdf:rdf" in low:
            return "feed"
        if b"<html" in low:
            return "html"
    if low.startswith(b"<rss") or low.startswith(b"<feed"):
        return "feed"
    if low.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<article", b"<div")):
        return "html"
    if stripped.startswith(b"{"):
        first = stripped.split(b"\n", 1)[0]
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except ValueError:
            pass
    return "text"


def _check_format(input_format: str) -> str:
    fmt = _FORMAT_ALIASES.get(input_format, input_format)
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(f"unknown input format {input_format!r} (use auto, {', '.join(FORMATS)})",
                         code=E_FORMAT)
    return fmt


def iter_documents_from_bytes(data: bytes, name: str, *, input_format: str = "auto", lang: str | None = None,
                              pub_date: date | None = None, doc_id: str | None = None,
                              source: str | None = None) -> Iterator[Document]:
    """Documents of one input given as bytes (an upload, stdin, a file); never raises for bad data.

    ``name`` is used for format detection (extension) and in messages; ``doc_id``
    (default ``name``) names single-document inputs.
    """
    fmt = _check_format(input_format)
    source = source or name
    doc_id = doc_id or name
    if data[:2] == b"\x1f\x8b" and not (fmt == "warc" or format_from_name(name) == "warc"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            err2 = InputError(f"cannot decompress gzip data: {err}", where=source, code=E_READ)
            yield error_document(err2, doc_id=doc_id, source=source, input_format="text")
            return
    if fmt == "auto":
        fmt = format_from_name(name) or sniff_format(data)
        if fmt == "feed" and sniff_format(data) == "html":
            fmt = "html"  # an .xml file holding XHTML
    if fmt == "jsonl":
        yield from iter_jsonl(io.BytesIO(data), source, lang=lang, pub_date=pub_date)
    elif fmt == "warc":
        yield from iter_warc(io.BytesIO(data), source, lang=lang, pub_date=pub_date)
    elif fmt == "feed":
        if not data.strip():
            yield error_document(InputError("empty file (no text)", where=source, code=E_EMPTY),
                             doc_id=doc_id, source=source, input_format="feed")
            return
        yield from iter_feed(data, source, lang=lang, pub_date=pub_date)
    else:
        try:
            if fmt == "html":
                doc = document_from_html(data, doc_id=doc_id, source=source, pub_date=pub_date, lang=lang)
            else:
                text = decode_bytes(data, source)
                doc = document_from_text(text, doc_id=doc_id, lang=lang, pub_date=pub_date, source=source)
        except InputError as err:
            yield error_document(err, doc_id=doc_id, source=source, input_format=fmt)
            return
        yield doc


# --------------------------------------------------------------------------- files


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` with a known extension, recursively, sorted, hidden ones skipped."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if _hidden(rel) or not path.is_file():
            continue
        if format_from_name(path.name) is None:
            continue
        yield path


def _read_file(path: Path, doc_id: str, *, fmt: str, lang: str | None,
               pub_date: date | None) -> Iterator[Document]:
    source = str(path)
    kind = fmt if fmt != "auto" else format_from_name(path.name)
    try:
        if kind in ("jsonl", "warc"):
            # Streamed: these files can be far larger than memory.
            with open(path, "rb") as fh:
                yield from iter_streamed(fh, kind, source, lang=lang, pub_date=pub_date)
            return
        data = path.read_bytes()
    except (OSError, EOFError, zlib.error) as err:  # EOFError/zlib.error: truncated or corrupt .gz
        err2 = InputError(f"cannot read file: {getattr(err, 'strerror', None) or err}", where=source,
                          code=E_READ)
        yield error_document(err2, doc_id=doc_id, source=source, input_format=kind or "text")
        return
    yield from iter_documents_from_bytes(data, path.name, input_format=fmt, lang=lang, pub_date=pub_date,
                                         doc_id=doc_id, source=source)


def iter_streamed(fh: IO[bytes], kind: str, source: str, *, lang: str | None = None,
                  pub_date: date | None = None) -> Iterator[Document]:
    """Documents of a JSONL (plain or ``.gz``) or WARC stream, read lazily: these files can be
    far larger than memory. A truncated or corrupt ``.gz`` raises EOFError or zlib.error."""
    stream: IO[bytes] = fh
    if kind == "jsonl" and source.lower().endswith(".gz"):
        stream = gzip.open(fh, "rb")  # type: ignore[assignment]
    if kind == "jsonl":
        yield from iter_jsonl(stream, source, lang=lang, pub_date=pub_date)
    else:
        yield from iter_warc(stream, source, lang=lang, pub_date=pub_date)


def read_inputs(paths: Iterable[str | Path], *, input_format: str = "auto", lang: str | None = None,
                pub_date: date | None = None) -> Iterator[Document]:
    """Documents of files, directories (recursive, sorted, hidden skipped) and ``-`` (stdin).

    Only an unknown ``input_format`` raises (``InputError`` E012, at call time);
    every other problem comes back as a document with ``errors`` and ``source`` set.
    """
    fmt = _check_format(input_format)
    return _read_inputs(list(paths), fmt, lang, pub_date)


def _read_inputs(paths: list[str | Path], fmt: str, lang: str | None,
                 pub_date: date | None) -> Iterator[Document]:
    for p in paths:
        if str(p) == "-":
            data = sys.stdin.buffer.read()
            yield from iter_documents_from_bytes(data, "stdin", input_format=fmt, lang=lang,
                                                 pub_date=pub_date, doc_id="stdin", source="stdin")
            continue
        path = Path(p)
        if path.is_dir():
            for f in _walk(path):
                yield from _read_file(f, f.relative_to(path).as_posix(), fmt=fmt, lang=lang, pub_date=pub_date)
        elif path.exists():
            yield from _read_file(path, path.name, fmt=fmt, lang=lang, pub_date=pub_date)
        else:
            err = InputError("no such file or directory", where=str(path), code=E_NOT_FOUND)
            yield error_document(err, doc_id=str(path), source=str(path), input_format="text")
