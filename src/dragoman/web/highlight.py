"""Turn stored evidence offsets into highlighted segments of a text.

Templates render the segments with autoescaping, so article text never
becomes markup: highlighting only decides where ``<mark>`` elements go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

KINDS = ("trigger", "actor", "recipient", "place", "date")


@dataclass
class Mark:
    start: int  # offsets into the document text
    end: int
    kind: str
    label: str = ""
    text: str | None = None  # expected text, to check offsets against
    href: str | None = None


@dataclass
class Segment:
    text: str
    kind: str | None = None
    label: str = ""
    href: str | None = None


def _actor_label(actor: dict[str, Any]) -> str:
    parts = [actor.get("code") or "", actor.get("name") or ""]
    return " ".join(p for p in parts if p).strip()


def mention_marks(mention: dict[str, Any], href: str | None = None) -> list[Mark]:
    """Marks for one stored mention (offsets are into the document text)."""
    marks: list[Mark] = []
    for ev in mention.get("evidence") or []:
        trig = ev.get("trigger") or {}
        if isinstance(trig.get("start"), int) and isinstance(trig.get("end"), int):
            label = mention.get("type") or ""
            if mention.get("mode"):
                label += f" ({mention['mode']})"
            marks.append(Mark(trig["start"], trig["end"], "trigger", label, trig.get("text"), href))
    for side in ("actor", "recipient"):
        for actor in mention.get(side) or []:
            if isinstance(actor, dict) and isinstance(actor.get("start"), int) and isinstance(actor.get("end"), int):
                marks.append(Mark(actor["start"], actor["end"], side, f"{side}: {_actor_label(actor)}",
                                  actor.get("text")))
    loc = mention.get("location")
    if isinstance(loc, dict) and isinstance(loc.get("start"), int) and isinstance(loc.get("end"), int):
        marks.append(Mark(loc["start"], loc["end"], "place", f"place: {loc.get('name') or loc.get('text') or ''}",
                          loc.get("text")))
    return marks


def date_mark(sentence: str, base: int, date_text: str | None, iso: str | None) -> Mark | None:
    """Dates carry no offsets in the store: find the raw phrase in the sentence."""
    if not date_text:
        return None
    pos = sentence.find(date_text)
    if pos < 0:
        return None
    return Mark(base + pos, base + pos + len(date_text), "date", f"date: {iso or ''}", date_text)


def segments(text: str, base: int, marks: list[Mark]) -> list[Segment]:
    """Split ``text`` (which starts at document offset ``base``) into plain and marked segments.

    A mark whose offsets do not match its expected text is re-anchored on the
    first occurrence of that text, or dropped: evidence must be in the source.
    Overlapping marks keep the earlier/longer one.
    """
    placed: list[tuple[int, int, Mark]] = []
    for m in marks:
        s, e = m.start - base, m.end - base
        if not (0 <= s < e <= len(text)) or (m.text is not None and text[s:e] != m.text):
            if not m.text:
                continue
            pos = text.find(m.text)
            if pos < 0:
                continue
            s, e = pos, pos + len(m.text)
        placed.append((s, e, m))
    placed.sort(key=lambda x: (x[0], -(x[1] - x[0]), KINDS.index(x[2].kind) if x[2].kind in KINDS else 9))
    out: list[Segment] = []
    pos = 0
    for s, e, m in placed:
        if s < pos:
            continue  # overlaps a mark already placed
        if s > pos:
            out.append(Segment(text[pos:s]))
        out.append(Segment(text[s:e], m.kind, m.label, m.href))
        pos = e
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def mention_sentence_segments(mention: dict[str, Any]) -> list[Segment]:
    """The first evidence sentence of a mention with its marks."""
    evidence = mention.get("evidence") or []
    if evidence:
        ev = evidence[0]
        sentence, base = ev.get("sentence") or "", ev.get("start") or 0
    else:
        sentence, base = mention.get("sentence") or "", 0
    marks = mention_marks(mention)
    dm = date_mark(sentence, base, mention.get("date_text"), mention.get("date"))
    if dm:
        marks.append(dm)
    return segments(sentence, base, marks)


def document_segments(text: str, mentions: list[dict[str, Any]]) -> list[Segment]:
    """The whole document text with every coded event's marks; triggers link to their event."""
    marks: list[Mark] = []
    for m in mentions:
        href = f"/events/{quote(str(m['event_id']), safe='')}" if m.get("event_id") else None
        marks += mention_marks(m, href)
        for ev in (m.get("evidence") or [])[:1]:
            dm = date_mark(ev.get("sentence") or "", ev.get("start") or 0, m.get("date_text"), m.get("date"))
            if dm:
                marks.append(dm)
    return segments(text, 0, marks)
