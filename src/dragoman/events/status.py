"""Event status: occurred, planned, hypothetical or negated.

Morphology first (``Mood=Cnd``, ``Tense=Fut``, ``Polarity=Neg``), then the
lexical cues of ``data/<lang>/status_cues.yaml`` (auxiliaries, governing verbs
such as "plans to" / "prévoit de", conditional clauses, negation words).
Priority when several cues apply: negated > hypothetical > planned > occurred.
"""

from __future__ import annotations

from dataclasses import dataclass

from dragoman.events import syntax
from dragoman.events.cues import StatusCues, load_status_cues

_RANK = {"occurred": 0, "planned": 1, "hypothetical": 2, "negated": 3}


@dataclass
class StatusResult:
    status: str = "occurred"
    cue: str | None = None  # the word(s) that decided it, for explain
    conditional: bool = False  # an if/unless/si clause bears on the event
    purpose: bool = False  # only a purpose clause ("pour", "in order to") made it not occurred
    inside: frozenset[int] = frozenset()  # token indices of the trigger phrase: its own words are not cues

    def add(self, status: str, cue: str) -> None:
        if _RANK[status] > _RANK[self.status]:
            self.status, self.cue = status, cue


def _french_tense(tok, cues: StatusCues) -> str | None:
    """Futur simple / conditionnel from the word form when the tagger says Pres."""
    if not cues.future_endings:
        return None
    clause_noun = tok.pos_ == "NOUN" and syntax.finite_clause_noun(tok)
    if tok.pos_ not in ("VERB", "AUX") and not clause_noun:
        return None
    text, lemma = tok.lower_, tok.lemma_.lower()
    if clause_noun:
        # a verb the tagger called a noun has no verb lemma: "qu'ils boycotteraient" (lemma = form);
        # the stem before the ending must then be an infinitive in -er/-ir/-re
        for kind, endings in (("cnd", cues.conditional_endings), ("fut", cues.future_endings)):
            for e in sorted(endings, key=len, reverse=True):
                stem = text[: -len(e) + 1]
                if text.endswith(e) and len(stem) > 3 and stem.endswith(("er", "ir", "r")):
                    return kind
        return None
    for kind, endings in (("cnd", cues.conditional_endings), ("fut", cues.future_endings)):
        for e in sorted(endings, key=len, reverse=True):
            if text.endswith(e) and len(text) > len(e):
                stem = text[: -len(e) + 1]  # the "r" belongs to the stem: tire|r|a
                if stem in (lemma, lemma[:-1]) or cues.irregular_stems.get(stem) == lemma:
                    return kind
                # prefixed irregular verbs: soutiendr|ait (soutenir, like tiendr: tenir), remettr|a
                for irr, inf in cues.irregular_stems.items():
                    if len(irr) > 2 and stem.endswith(irr) and lemma.endswith(inf) and \
                            stem[: -len(irr)] == lemma[: -len(inf)]:
                        return kind
    return None


def _own_cues(p, cues: StatusCues, res: StatusResult, *, past_speech: bool, conditions: bool = True) -> None:
    """Cues carried by the predicate itself and its auxiliaries."""
    neg = [t for t in syntax.negations(p, cues.negation_words) if t.i not in res.inside]
    if any(t.lower_ in cues.negation_needs_particle for t in neg) and not any(
            c.lower_ in cues.negation_particles for c in p.children):
        neg = [t for t in neg if t.lower_ not in cues.negation_needs_particle]  # "une fois de plus"
    if neg:
        res.add("negated", " ".join(t.text for t in neg))
    hedge = [c for c in p.children if c.dep_ == "advmod" and c.lower_ in cues.hedges]
    auxes = [c for c in p.children if c.dep_ in syntax.AUX]
    for a in auxes:
        lem = a.lemma_.lower() if a.lemma_ else a.lower_
        low = a.lower_
        if low in cues.future_aux or lem in cues.future_aux:
            res.add("planned", a.text)
        elif low in cues.backshift_aux and past_speech and not hedge:
            res.add("planned", a.text)
        elif low in cues.hypothetical_aux or lem in cues.hypothetical_aux:
            res.add("hypothetical", a.text)
    for t in [p, *auxes]:
        mood = t.morph.get("Mood")
        tense = t.morph.get("Tense")
        fr = _french_tense(t, cues) if not mood or "Ind" in mood else None
        if "Cnd" in mood or fr == "cnd":
            if _reportive(p, t, cues):
                continue  # "le président aurait finalement cédé": reported, not supposed
            if p.lemma_.lower() in cues.planned_conditional or (past_speech and not hedge):
                # "devrait", and the future-in-the-past: "a annoncé qu'ils libéreraient"
                res.add("planned", t.text)
            else:
                res.add("hypothetical", t.text)
        elif "Fut" in tense or fr == "fut":
            res.add("planned", t.text)
    if hedge:
        res.add("hypothetical", hedge[0].text)
    for c in p.children:
        cue = None
        if c.dep_ == "mark" and _is_condition(c, cues):
            cue = c.text
        elif _condition_clause(c, cues):
            cue = next(m.text for m in c.children if m.dep_ == "mark")
        elif c.dep_ in ("advmod", "cc") and c.i > p.i and " " in c.doc[c.i: c.i + 3].text and \
                any(c.doc[c.i: c.i + 3].text.lower().startswith(m) for m in cues.condition_marks if " " in m):
            cue = c.text  # "à moins que" parsed as advmod "à" + fixed "moins", the clause as ccomp
        if cue is not None:
            res.conditional = True
            if conditions:
                res.add("hypothetical", cue)


def _reportive(p, aux, cues: StatusCues) -> bool:
    """The French journalistic conditional: a past conditional ("aurait cédé", "auraient été tués") in a
    main clause with no condition in the sentence reports what sources say happened (English
    "reportedly"); "aurait pu", "aurait cédé si…" stay hypothetical."""
    if aux is p or (aux.lemma_ or "").lower() not in cues.reportive_aux or "Part" not in p.morph.get("VerbForm"):
        return False
    if p.dep_ not in ("ROOT", "root", "conj") or p.lemma_.lower() in cues.hypothetical_aux \
            or p.lemma_.lower() in cues.planned_conditional:
        return False
    return not any(t.dep_ == "mark" and _is_condition(t, cues) for t in p.sent)


def _purpose(p, cues: StatusCues) -> str | None:
    """The cue of a purpose clause headed by ``p``: "pour/afin de/in order to" + infinitive, or the
    complement of a goal noun ("dans le but de", "with the aim of")."""
    if p.dep_ not in ("advcl", "acl", "xcomp", "pcomp", "obl", "obl:arg", "nmod", "advmod"):
        return None
    if p.head.lower_ in cues.purpose_marks and p.head.i < p.i:
        return p.head.text  # "afin d'interpeller" parsed with "afin" as the head
    if any(c.dep_ in syntax.AUX for c in p.children if c.i < p.i and c.lower_ != "to"):
        return None  # "pour avoir attaqué" (past infinitive) gives a reason, not a goal
    marks = [c for c in p.children if c.dep_ in ("mark", "case", "aux") and c.i < p.i]
    for m in marks:
        if m.lower_ in cues.purpose_marks:
            return m.text
        # multi-word marks: "afin de", "in order to", "so as to"
        left = m.doc[max(0, m.i - 2): m.i + 1].text.lower()
        if any(left.endswith(pm) for pm in cues.purpose_marks if " " in pm):
            return left
    if p.dep_ in ("acl", "pcomp") and (p.head.lemma_ or "").lower() in cues.purpose_nouns:
        return p.head.text
    if p.head.dep_ == "pcomp" and (p.head.head.lemma_ or "").lower() in cues.purpose_nouns:
        return p.head.head.text
    return None


def _condition_clause(clause, cues: StatusCues) -> bool:
    """An adverbial clause introduced by a condition mark ("si", "if", "unless")."""
    return clause.dep_ == "advcl" and any(m.dep_ == "mark" and _is_condition(m, cues) for m in clause.children)


def _is_condition(mark, cues: StatusCues) -> bool:
    if mark.lower_ in cues.condition_marks:
        return True
    nxt = mark.doc[mark.i: mark.i + 3].text.lower()
    return any(nxt.startswith(m) for m in cues.condition_marks if " " in m)


def _is_past(tok) -> bool:
    if "Past" in tok.morph.get("Tense") or "Imp" in tok.morph.get("Tense"):
        return True
    return any(c.dep_ in syntax.AUX and "Past" in c.morph.get("Tense") for c in tok.children)


def _imperfective(tok) -> bool:
    """An imperfective past of "aller"/"go" still looks ahead: "allait être libéré", "was going to be
    released" (a plan or an expectation then), unlike "est allé voir", "went to see" (a move that happened)."""
    return "Imp" in tok.morph.get("Tense") or "Prog" in tok.morph.get("Aspect") or tok.tag_ == "VBG"


def detect_status(trigger, lang: str, *, conditions: bool = True, inside: range | None = None) -> StatusResult:
    """Status of the event whose trigger head is the spaCy token ``trigger``.

    ``conditions=False`` for threats: a threat is conditional by nature ("a menacé de rompre ... si"),
    so an if/unless clause sets ``conditional`` without making it hypothetical. ``inside``: the token
    indices of the trigger phrase; a negation there is part of its meaning ("ne pas parvenir à un accord"
    is a failure, REJECT, that occurred)."""
    cues = load_status_cues(lang)
    res = StatusResult(inside=frozenset(inside or ()))
    sent = trigger.sent
    if sent.text.rstrip().endswith("?"):
        res.add("hypothetical", "?")
    alleged = _allegation(trigger, cues)
    if alleged:
        res.add("hypothetical", alleged)
    ruled = _ruled_out(trigger, cues)
    if ruled:
        res.add("negated", ruled)
    p = trigger
    if trigger.pos_ not in ("VERB", "AUX") and not (trigger.pos_ == "NOUN" and syntax.finite_clause_noun(trigger)):
        # Nominal event: its own modifiers, then the verb it is an argument of.
        for c in trigger.children:
            if c.dep_ in ("det", "neg", "advmod") and c.lower_ in cues.negation_words and c.i not in res.inside:
                res.add("negated", c.text)
            if c.dep_ in ("amod", "acl", "compound") and c.lower_ in cues.planned_adjectives:
                res.add("planned", c.text)
        verb, rel = syntax.governing_noun_verb(trigger)
        if verb is None and trigger.dep_ == "nmod" and trigger.head.pos_ in ("NOUN", "PROPN"):
            # "risque plusieurs années d'emprisonnement": the verb of the noun it qualifies
            verb, rel = syntax.governing_noun_verb(trigger.head)
        if verb is None:
            return res
        if rel == "obj" and (verb.lemma_ or verb.lower_).lower() in cues.preventing_governors:
            res.add("negated", verb.text)  # "ont évité la guerre", "prevented a coup": it did not happen
        p = verb
    _climb(p, cues, res, depth=0, conditions=conditions)
    if res.status == "hypothetical" and not res.conditional:
        # "ils rencontreraient le médiateur s'il leur accordait…" with the si-clause hung on the
        # reporting verb: a conditional-mood event in a sentence whose clause chain carries a condition
        t = p
        for _ in range(4):
            if t.head == t:
                break
            t = t.head
            if any(_condition_clause(c, cues) for c in t.children):
                res.conditional = True
                break
    return res


def _ruled_out(trigger, cues: StatusCues) -> str | None:
    """What an idiom of refusal rules out did not happen: the subject of "is out of the question", "was
    ruled out", "est exclue", "est hors de question", the object of "ruled out", "a exclu"."""
    if not cues.ruling_out:
        return None
    head = trigger.head
    if head == trigger:
        return None
    if trigger.dep_ in syntax.OBJ:
        prt = " ".join(c.lower_ for c in head.children if c.dep_ in ("prt", "compound:prt"))
        for form in (head.lower_, (head.lemma_ or "").lower()):
            if (f"{form} {prt}" if prt else form) in cues.ruling_out:
                return head.text
        return None
    if trigger.dep_ not in syntax.SUBJ and trigger.dep_ not in syntax.SUBJ_PASS:
        return None
    inside = {t.i for t in trigger.subtree}
    words = " " + " ".join(t.lower_ for t in head.subtree if t.i not in inside) + " "
    return next((f for f in cues.ruling_out if f" {f} " in words), None)


def _allegation(trigger, cues: StatusCues) -> str | None:
    """The word that makes the act an allegation: "accusée du meurtre de", "soupçonnés d'avoir
    attaqué", "charged with assaulting". What someone is accused of is not reported as done."""
    if not cues.allegation_governors:
        return None
    t = trigger
    for _ in range(4):
        if t.head == t or t.dep_ in ("ROOT", "root") or t.dep_ in syntax.SUBJ:
            return None
        coordinated = t.dep_ == "conj"
        t = t.head
        if (t.lemma_ or t.lower_).lower() in cues.allegation_governors or t.lower_ in cues.allegation_governors:
            # a verb coordinated with the accusation is another statement ("was indicted and will
            # resign"), not what is alleged
            return None if coordinated else t.text
    return None


def _climb(p, cues: StatusCues, res: StatusResult, depth: int, conditions: bool = True) -> None:
    """Cues of ``p``, then of the verbs governing it through xcomp/ccomp/conj."""
    head = p.head
    # "a annoncé que", "a fait savoir que" (the speech verb under a past "faire")
    past_speech = p.dep_ == "ccomp" and (_is_past(head) or head.dep_ == "xcomp" and _is_past(head.head))
    _own_cues(p, cues, res, past_speech=past_speech, conditions=conditions)
    if depth > 4 or head == p:
        return
    g_lemma = head.lemma_.lower()
    if p.dep_ == "conj" and not syntax.subjects(p):
        # "will visit Paris and meet Macron": the second verb shares the auxiliaries.
        _climb(head, cues, res, depth + 1, conditions)
        return
    purpose = _purpose(p, cues)
    if purpose:
        before = res.status
        res.add("hypothetical", purpose)  # a goal ("pour arrêter", "in order to arrest") is not a fact
        res.purpose = before == "occurred"
    if p.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN") and head.dep_ in syntax.OBJ \
            and (head.head.lemma_ or "").lower() in cues.negating_governors \
            and any(c.dep_ == "mark" and c.lower_ in ("de", "d'", "à") for c in p.children):
        res.add("negated", head.head.text)  # "empêcher les manifestants d'envahir": they did not
    if p.dep_ in ("acl", "ccomp") and any(c.dep_ == "mark" and c.lower_ in syntax.COMPLEMENT_MARKS
                                           for c in p.children):
        # what a demand or call asks for has not happened: "its demand that Israel ease", "sa demande
        # qu'Israël assouplisse", also when the parser hangs the clause on the verb ("reiterated its
        # demand today that…")
        nouns = [head] if head.pos_ in ("NOUN", "PROPN") else \
            [o for o in syntax.objects(head) if o.i < p.i and o.pos_ in ("NOUN", "PROPN")]
        cue = next((n for n in nouns if n.lemma_.lower() in cues.hypothetical_governors), None)
        if cue is not None:
            res.add("hypothetical", cue.text)
    if p.dep_ == "pcomp" and head.dep_ == "prep" and head.head != head \
            and (head.head.lemma_ or "").lower() in cues.negating_governors:
        res.add("negated", head.head.text)  # "prevented Pakistan from attacking", "refrained from"
    if p.dep_ in ("xcomp", "ccomp", "advmod") or (p.dep_ == "acl" and head.pos_ in ("ADJ", "VERB")):
        if g_lemma in cues.negating_governors:
            res.add("negated", head.text)
        elif g_lemma in cues.hypothetical_governors:
            res.add("hypothetical", head.text)
        elif g_lemma in cues.planned_governors:
            if g_lemma not in cues.present_only_governors or not _is_past(head) \
                    or (g_lemma in cues.prospective_governors and _imperfective(head)):
                res.add("planned", head.text)
        if p.dep_ == "xcomp" or g_lemma in cues.negating_governors:
            # "will not try to meet", "could agree to meet": the governor's own cues carry over
            sub = StatusResult()
            _climb(head, cues, sub, depth + 1, conditions)
            if sub.status != "occurred":
                res.add(sub.status, sub.cue or head.text)
            res.conditional = res.conditional or sub.conditional
