"""Filters shared by ``events``, ``export``, ``dyads`` and the web API: always SQL parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class EventFilter:
    """Which events (or mentions) to read. Every field is optional; all given ones must hold.

    ``actor``/``recipient`` match a full actor code ("PRKGOV") or a country ("PRK") of any
    participant on that side; ``text`` is a case-insensitive substring of an evidence sentence.
    """

    types: list[str] = field(default_factory=list)
    actor: str | None = None
    recipient: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    lang: str | None = None
    text: str | None = None
    doc_id: str | None = None
    event_id: str | None = None
    min_sources: int | None = None

    def where(self, alias: str = "e", level: str = "events") -> tuple[str, list]:
        """SQL condition (with ``?`` placeholders) and its parameters, for the events or mentions table."""
        conds: list[str] = []
        params: list = []
        a = alias
        if self.types:
            conds.append(f"{a}.type IN (SELECT unnest(?::VARCHAR[]))")
            params.append([t.upper() for t in self.types])
        for side, value in (("actor", self.actor), ("recipient", self.recipient)):
            if value:
                conds.append(f"(list_contains({a}.{side}_codes, ?) OR list_contains({a}.{side}_countries, ?))")
                params += [value.upper(), value.upper()]
        if self.date_from:
            conds.append(f"{a}.date >= ?")
            params.append(self.date_from)
        if self.date_to:
            conds.append(f"{a}.date <= ?")
            params.append(self.date_to)
        if self.status:
            conds.append(f"{a}.status = ?")
            params.append(self.status)
        if self.event_id:
            conds.append(f"{a}.event_id = ?")
            params.append(self.event_id)
        if level == "events":
            if self.lang:
                conds.append(f"list_contains({a}.languages, ?)")
                params.append(self.lang)
            if self.text:
                conds.append(f"EXISTS (SELECT 1 FROM mentions tm WHERE tm.event_id = {a}.event_id "
                             "AND contains(lower(tm.sentence), lower(?)))")
                params.append(self.text)
            if self.doc_id:
                conds.append(f"EXISTS (SELECT 1 FROM mentions dm WHERE dm.event_id = {a}.event_id "
                             "AND dm.doc_id = ?)")
                params.append(self.doc_id)
            if self.min_sources:
                conds.append(f"{a}.num_sources >= ?")
                params.append(self.min_sources)
        else:
            if self.lang:
                conds.append(f"{a}.lang = ?")
                params.append(self.lang)
            if self.text:
                conds.append(f"contains(lower({a}.sentence), lower(?))")
                params.append(self.text)
            if self.doc_id:
                conds.append(f"{a}.doc_id = ?")
                params.append(self.doc_id)
        return (" AND ".join(conds) if conds else "TRUE"), params

