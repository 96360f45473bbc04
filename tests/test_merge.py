"""Within-document merging, event ids and confidence."""

from __future__ import annotations

from dragoman.events.merge import Features, confidence, event_id, merge_events
from dragoman.schema import Actor, Event, Evidence, Span


def _ev(type_: str, actors: list[str], recips: list[str], si: int, start: int, *, status: str = "occurred",
        date: str | None = None, precision: str = "inferred", entry: str = "en.x") -> Event:
    return Event(
        doc_id="d1", event_id="", type=type_,
        actor=[Actor(text=a, country=a, code=a) for a in actors],
        recipient=[Actor(text=r, country=r, code=r) for r in recips],
        date=date, date_precision=precision, status=status,
        evidence=[Evidence(sentence_index=si, sentence="s", start=start, end=start + 10,
                           trigger=Span("t", start + 1, start + 2), entry=entry)],
    )


def test_title_and_two_body_mentions_become_one_event():
    title = _ev("CONSULT", ["RUS"], ["PRK"], 0, 0, status="occurred")
    body1 = _ev("CONSULT", ["RUS"], ["PRK"], 1, 50, status="occurred", date="2026-11-26", precision="day")
    body2 = _ev("CONSULT", ["RUS"], [], 3, 200)
    out = merge_events([title, body1, body2], title_sentences={0})
    assert len(out) == 1
    ev = out[0]
    assert [e.sentence_index for e in ev.evidence] == [0, 1, 3]
    assert ev.date == "2026-11-26" and ev.date_precision == "day"
    assert ev.event_id


def test_title_status_follows_body():
    title = _ev("CONSULT", ["CHN"], ["PRK"], 0, 0, status="occurred")
    body = _ev("CONSULT", ["CHN"], ["PRK"], 1, 60, status="planned")
    out = merge_events([title, body], title_sentences={0})
    assert len(out) == 1 and out[0].status == "planned"


def test_distinct_events_stay_apart():
    a = _ev("ASSAULT", ["ISR"], ["PSE"], 1, 0)
    b = _ev("ASSAULT", ["RUS"], ["UKR"], 2, 100)  # other participants
    c = _ev("CONSULT", ["ISR"], ["PSE"], 3, 200)  # other type
    d = _ev("ASSAULT", ["ISR"], ["PSE"], 4, 300, date="2026-01-02", precision="day")
    e = _ev("ASSAULT", ["ISR"], ["PSE"], 5, 400, date="2026-03-05", precision="day")  # other date
    out = merge_events([b, c, d, e])
    assert len(out) == 4
    assert len(merge_events([a, d])) == 1  # undated + dated mention of the same strikes


def test_body_statuses_must_agree():
    planned = _ev("CONSULT", ["CHN"], ["PRK"], 1, 0, status="planned")
    negated = _ev("CONSULT", ["CHN"], ["PRK"], 2, 100, status="negated")
    assert len(merge_events([planned, negated])) == 2


def test_participantless_events_merge_only_on_same_entry():
    a = _ev("PROTEST", [], [], 1, 0, entry="fr.manifestation")
    b = _ev("PROTEST", [], [], 2, 100, entry="fr.manifestation")
    c = _ev("PROTEST", [], [], 3, 200, entry="fr.greve")
    assert len(merge_events([a, b, c])) == 2


def test_event_id_is_deterministic_and_distinct():
    a = _ev("CONSULT", ["RUS"], ["PRK"], 1, 0)
    b = _ev("CONSULT", ["RUS"], ["PRK"], 1, 0)
    c = _ev("CONSULT", ["RUS"], ["CHN"], 1, 0)
    assert event_id(a) == event_id(b) != event_id(c)
    assert len(event_id(a)) == 16


def test_confidence_orders_evidence_quality():
    full = confidence(Features(trigger_pos="VERB", has_actor=True, has_recipient=True))
    actor_only = confidence(Features(trigger_pos="VERB", has_actor=True))
    bare_noun = confidence(Features(trigger_pos="NOUN"))
    hypo = confidence(Features(trigger_pos="VERB", has_actor=True, has_recipient=True, status="hypothetical"))
    assert full > actor_only > bare_noun
    assert hypo < full
    assert 0.05 <= bare_noun < 0.4 and full <= 0.99


def test_complementary_halves_in_one_sentence_merge():
    # "Ethnic Turks began a hunger strike to protest Sweden's decision": actor-only + recipient-only
    strike = _ev("PROTEST", ["TUR"], [], 1, 0)
    protest = _ev("PROTEST", [], ["SWE"], 1, 40)
    out = merge_events([strike, protest])
    assert len(out) == 1
    assert [a.country for a in out[0].actor] == ["TUR"] and [r.country for r in out[0].recipient] == ["SWE"]
    # in two different sentences they stay apart
    assert len(merge_events([_ev("PROTEST", ["TUR"], [], 1, 0), _ev("PROTEST", [], ["SWE"], 2, 90)])) == 2
