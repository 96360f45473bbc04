"""Within-document merging, event ids and confidence.

A report often states the same happening in its title and again in the body
("Putin meets Kim" / "Putin met Kim on Thursday"): those mentions become ONE
event with several evidence entries. Two events merge when their types are the
same (or compatible), their actor and recipient sets are equal or one is a
subset of the other, their dates do not conflict and their statuses agree (a
headline's status is not trusted: headlines use the present for everything).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from dragoman.schema import Actor, Event

# Types a reader would call the same event when the same actors are involved.
_COMPATIBLE = [frozenset({"ACCUSE", "PROTEST"}), frozenset({"AGREE", "COOPERATE"})]
_PRECISION_RANK = {"day": 4, "week": 3, "month": 2, "year": 1, "inferred": 0}


@dataclass
class Features:
    """What the confidence of an event rests on (kept for explain)."""

    trigger_pos: str = "VERB"
    phrase: bool = False
    has_actor: bool = False
    has_recipient: bool = False
    symmetric: bool = False
    status: str = "occurred"
    indirect: bool = False  # repair / anaphora rules were needed
    parse_agreement: bool = True  # trigger tagged with the entry's POS
    in_title: bool = False


def confidence(f: Features) -> float:
    """A transparent score in [0.05, 0.99] from the features above.

    Roughly: a verb trigger with both arguments found by direct syntax is ~0.9;
    a nominal trigger with no argument is ~0.3.
    """
    score = 0.35
    score += 0.10 if f.trigger_pos == "VERB" else 0.04
    if f.phrase:
        score += 0.05
    if f.has_actor:
        score += 0.22
    if f.has_recipient or (f.symmetric and f.has_actor):
        score += 0.18
    if not f.has_actor and not f.has_recipient:
        score -= 0.10
    if f.indirect:
        score -= 0.08
    if not f.parse_agreement:
        score -= 0.08
    if f.status in ("hypothetical", "negated"):
        score -= 0.05
    if f.in_title:
        score -= 0.05
    return round(min(0.99, max(0.05, score)), 3)


def _codes(actors: list[Actor]) -> frozenset[str]:
    return frozenset(a.code or a.country or a.name or a.text for a in actors)


def _country_keys(actors: list[Actor]) -> frozenset[str]:
    return frozenset(a.country or a.code or a.name or a.text for a in actors)


def event_id(ev: Event) -> str:
    """Deterministic short id: doc, type, participants, date and first evidence offsets."""
    first = ev.evidence[0] if ev.evidence else None
    basis = "|".join([
        ev.doc_id, ev.type,
        ",".join(sorted(_codes(ev.actor))), ",".join(sorted(_codes(ev.recipient))),
        ev.date or "",
        f"{first.trigger.start}-{first.trigger.end}" if first else "",
    ])
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def _types_compatible(a: str, b: str) -> bool:
    return a == b or any(a in s and b in s for s in _COMPATIBLE)


def _subset_either(a: frozenset[str], b: frozenset[str]) -> bool:
    return a <= b or b <= a


def _dates_compatible(a: Event, b: Event) -> bool:
    if not a.date or not b.date or "inferred" in (a.date_precision, b.date_precision):
        return True  # an inferred date is only the publication date, not a statement
    # a coarser date is compatible with a finer one that falls inside it
    pa, pb = _PRECISION_RANK.get(a.date_precision, 0), _PRECISION_RANK.get(b.date_precision, 0)
    coarse, fine = (a, b) if pa <= pb else (b, a)
    n = {"year": 4, "month": 7}.get(coarse.date_precision)
    if n:
        return coarse.date[:n] == fine.date[:n]
    return a.date == b.date


def same_event(a: Event, b: Event, a_title: bool = False, b_title: bool = False) -> bool:
    if not _types_compatible(a.type, b.type):
        return False
    aa, ba = _country_keys(a.actor), _country_keys(b.actor)
    ar, br = _country_keys(a.recipient), _country_keys(b.recipient)
    same_sentence = bool(a.evidence and b.evidence) and \
        bool({e.sentence_index for e in a.evidence} & {e.sentence_index for e in b.evidence})
    if same_sentence and a.type == b.type and a.status == b.status and \
            ((aa and not ar and br and not ba) or (ba and not br and ar and not aa)):
        # one sentence, two halves of one event: "began a hunger strike to protest Sweden's decision"
        return True
    if not (_subset_either(aa, ba) and _subset_either(ar, br)):
        # a symmetric event may list its participants on either side
        if (aa | ar) != (ba | br) or not (aa | ar):
            return False
    if not (aa | ar | ba | br):
        # no participant at all: only the same trigger entry counts as the same event
        ea = a.evidence[0].entry if a.evidence else None
        eb = b.evidence[0].entry if b.evidence else None
        if ea != eb:
            return False
    elif not ((aa | ar) & (ba | br)):
        return False
    if not _dates_compatible(a, b):
        return False
    same_sentence = bool(a.evidence and b.evidence) and \
        {e.sentence_index for e in a.evidence} & {e.sentence_index for e in b.evidence}
    modes_ok = a.mode == b.mode or (same_sentence and (a.mode is None or b.mode is None))
    if not (a_title or b_title) and (a.status != b.status or not modes_ok):
        # in the body a visit and a meeting during it are two events ("des frappes … ont tué" is one)
        return False
    return True


def _union(xs: list[Actor], ys: list[Actor]) -> list[Actor]:
    out = list(xs)
    keys = {(a.country, a.code, a.sector) for a in xs}
    for y in ys:
        k = (y.country, y.code, y.sector)
        if k not in keys and not any(y.country and y.country == a.country and not y.sector for a in out):
            out.append(y)
            keys.add(k)
    return out


def _same_party(r: Actor, a: Actor) -> bool:
    if (r.country or r.code) != (a.country or a.code):
        return False
    return not (r.sector and a.sector and r.sector != a.sector)


def _absorb(keep: Event, other: Event, other_is_title: bool, keep_is_title: bool) -> None:
    keep.evidence.extend(other.evidence)
    keep.evidence.sort(key=lambda e: (e.start, e.trigger.start))
    keep.actor = _union(keep.actor, other.actor)
    # a recipient that is one of the actors is dropped; one of another sector of the same country is
    # kept (a domestic event: "le président … lever l'interdiction du parti")
    keep.recipient = [r for r in _union(keep.recipient, other.recipient)
                      if not any(_same_party(r, a) for a in keep.actor)] or keep.recipient
    keep.reported_by = _union(keep.reported_by, other.reported_by)
    if _PRECISION_RANK.get(other.date_precision, 0) > _PRECISION_RANK.get(keep.date_precision, 0) and other.date:
        keep.date, keep.date_precision, keep.date_text = other.date, other.date_precision, other.date_text
    if keep.location is None or (other.location is not None and keep_is_title and not other_is_title):
        keep.location = other.location or keep.location
    if keep_is_title and not other_is_title:
        keep.status = other.status
    keep.mode = keep.mode or other.mode
    for c in other.contexts:
        if c not in keep.contexts:
            keep.contexts.append(c)
    # several statements of the same event make it more certain (a raw score: the events stage
    # then sets the calibrated probability, events/calibration.py)
    keep.confidence = round(min(0.99, max(keep.confidence, other.confidence) + 0.05), 3)


def merge_events(events: list[Event], title_sentences: set[int] | None = None) -> list[Event]:
    """Merge the mentions of the same event within one document (order kept)."""
    title_sentences = title_sentences or set()

    def is_title(e: Event) -> bool:
        return bool(e.evidence) and all(ev.sentence_index in title_sentences for ev in e.evidence)

    out: list[Event] = []
    # Only events sharing a participant, a sentence or (without participants) a trigger entry can
    # merge (see same_event): index the kept events by those keys, so a long article is not
    # compared pair by pair.
    buckets: dict[tuple[str, object], set[int]] = {}

    def keys(e: Event) -> set[tuple[str, object]]:
        found: set[tuple[str, object]] = {("s", ev.sentence_index) for ev in e.evidence}
        found |= {("p", k) for k in _country_keys(e.actor) | _country_keys(e.recipient)}
        if e.evidence:
            found.add(("e", e.evidence[0].entry))
        return found

    def register(slot: int) -> None:
        for key in keys(out[slot]):
            buckets.setdefault(key, set()).add(slot)

    for ev in events:
        candidates = sorted(set().union(*(buckets.get(k, set()) for k in keys(ev))))
        for slot in candidates:
            kept = out[slot]
            if same_event(kept, ev, is_title(kept), is_title(ev)):
                kept_title = is_title(kept)
                ev_title = is_title(ev)
                if kept_title and not ev_title:
                    # the body's statement is the better description; keep the title as evidence
                    _absorb(ev, kept, kept_title, ev_title)
                    out[slot] = ev
                else:
                    _absorb(kept, ev, ev_title, kept_title)
                register(slot)
                break
        else:
            out.append(ev)
            register(len(out) - 1)
    for ev in out:
        ev.event_id = event_id(ev)
    return out
