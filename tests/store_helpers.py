"""Hand-built coded documents for the store tests (no pipeline needed)."""

from __future__ import annotations

from datetime import date

from dragoman.schema import Actor, Document, Event, Evidence, Location, Span

SEOUL = Location(text="Séoul", name="Seoul", country="KOR", lat=37.566, lon=126.978, geonameid=1835848,
                 feature_class="P")
PYONGYANG = Location(text="Pyongyang", name="Pyongyang", country="PRK", lat=39.03, lon=125.75,
                     geonameid=1871859, feature_class="P")


def actor(code: str, name: str) -> Actor:
    return Actor(text=name, name=name, country=code[:3], sector=code[3:] or None, code=code)


def make_doc(text: str, *, url: str | None = None, site: str | None = None, pub: str = "2026-11-27",
             events: list[dict] | None = None, lang: str = "en") -> Document:
    """A coded document whose events are described by small dicts (type, actors, recipients, date...)."""
    doc = Document(id=url or text[:20], text=text, url=url, site=site, pub_date=date.fromisoformat(pub),
                   lang=lang, source=url or "test")
    for i, spec in enumerate(events or []):
        trig = spec.get("trigger", text.split()[1] if len(text.split()) > 1 else text)
        start = text.find(trig)
        doc.events.append(Event(
            doc_id=doc.id, event_id=f"e{i}", type=spec["type"], mode=spec.get("mode"),
            contexts=spec.get("contexts", []), cameo=spec.get("cameo"),
            quad_class=spec.get("quad_class"), goldstein=spec.get("goldstein"),
            actor=[actor(*a) for a in spec.get("actors", [])],
            recipient=[actor(*a) for a in spec.get("recipients", [])],
            date=spec.get("date", pub), date_precision=spec.get("precision", "day"),
            date_text=spec.get("date_text"), location=spec.get("location"),
            status=spec.get("status", "occurred"), confidence=spec.get("confidence", 0.8), lang=lang,
            evidence=[Evidence(sentence_index=0, sentence=text.split(".")[0], start=0,
                               end=len(text.split(".")[0]), trigger=Span(trig, start, start + len(trig)),
                               rule="test")],
            version="test",
        ))
    return doc


KIM = ("PRKGOV", "Kim Jong Un")
WANG = ("CHNGOV", "Wang Yi")
USA = ("USAGOV", "United States")
KOR = ("KORGOV", "South Korea")


def visit(pub: str = "2026-11-27", **kw) -> dict:
    base = {"type": "CONSULT", "mode": "visit", "actors": [WANG], "recipients": [KIM], "date": pub,
            "cameo": "042", "quad_class": 1, "goldstein": 1.9, "trigger": "met", "location": PYONGYANG}
    base.update(kw)
    return base


def store_tables(con) -> dict[str, list]:
    """Table contents without timestamps and run ids, for comparing two stores."""
    q = con.execute
    return {
        "documents": q("SELECT doc_id, text_hash, fingerprint, url, site, source, title, lang, pub_date, "
                       "input_format, num_chars, num_events, status, skip_reason, num_errors FROM documents "
                       "ORDER BY doc_id").fetchall(),
        "mentions": q("SELECT * EXCLUDE (run_id) FROM mentions ORDER BY mention_id").fetchall(),
        "events": q("SELECT * EXCLUDE (first_seen, last_seen) FROM events ORDER BY event_id").fetchall(),
        "actors": q("SELECT * FROM actors ORDER BY actor_key").fetchall(),
        "errors": q("SELECT source, doc_id, stage, code, message FROM errors ORDER BY ALL").fetchall(),
    }
