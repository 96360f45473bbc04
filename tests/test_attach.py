"""Argument attachment through the dependency parse (fr UD labels, en ClearNLP labels)."""

from __future__ import annotations

import pytest

from dragoman.events import syntax
from dragoman.events.attach import find_subjects
from dragoman.events.cues import load_event_cues
from dragoman.nlp import load_nlp


@pytest.fixture(scope="module")
def parse():
    def _parse(lang: str, text: str):
        return load_nlp(lang)(text)

    return _parse


def _tok(doc, word):
    return next(t for t in doc if t.text == word)


def _subjects(parse, lang, text, word):
    doc = parse(lang, text)
    heads, rule = find_subjects(_tok(doc, word), load_event_cues(lang))
    return [h.text for h in heads], rule


def test_xcomp_object_control_en(parse):
    heads, rule = _subjects(parse, "en", "Washington and Seoul urged Beijing to use its influence.", "use")
    assert heads == ["Beijing"] and rule == "xcomp-object-control"


def test_xcomp_object_control_fr(parse):
    heads, rule = _subjects(parse, "fr", "Séoul a exhorté Pékin à user de son influence.", "user")
    assert heads == ["Pékin"] and rule == "xcomp-object-control"


def test_xcomp_subject_control_en(parse):
    heads, rule = _subjects(parse, "en", "Syria has agreed to withdraw its troops from Lebanon.", "withdraw")
    assert heads == ["Syria"] and rule == "xcomp-subject-control"


def test_conj_shares_subject(parse):
    heads, rule = _subjects(parse, "en", "The ministry protested the meeting and urged Moscow to act.", "urged")
    assert heads == ["ministry"] and rule == "conj-shared-subject"


def test_relative_clause_takes_antecedent_en(parse):
    heads, rule = _subjects(parse, "en", "The town was attacked by the rebels, who later seized the airport.",
                            "seized")
    assert heads == ["rebels"] and rule == "relcl"


def test_relative_clause_takes_antecedent_fr(parse):
    heads, rule = _subjects(parse, "fr", "Les rebelles, qui ont attaqué la ville, ont été arrêtés.", "attaqué")
    assert heads == ["rebelles"] and rule == "relcl"


def test_passive_agent(parse):
    doc = parse("fr", "La ville a été attaquée par les rebelles.")
    v = _tok(doc, "attaquée")
    assert syntax.is_passive(v)
    assert [a.text for a in syntax.agents(v)] == ["rebelles"]
    doc = parse("en", "The town was attacked by the rebels.")
    v = _tok(doc, "attacked")
    assert syntax.is_passive(v)
    assert [a.text for a in syntax.agents(v)] == ["rebels"]


def test_preps_both_schemes(parse):
    doc = parse("fr", "La visite de Sun en Corée du Nord.")
    got = {(p, n.text) for p, n in syntax.preps(_tok(doc, "visite"))}
    assert ("de", "Sun") in got and ("en", "Corée") in got
    doc = parse("en", "Kim's trip to Russia was followed by Israeli strikes on Gaza.")
    assert ("to", "Russia") in {(p, n.text) for p, n in syntax.preps(_tok(doc, "trip"))}
    assert ("on", "Gaza") in {(p, n.text) for p, n in syntax.preps(_tok(doc, "strikes"))}


def test_support_verb_governs_noun(parse):
    doc = parse("fr", "La police a procédé à des arrestations.")
    verb, rel = syntax.governing_noun_verb(_tok(doc, "arrestations"))
    assert verb.lemma_ == "procéder" and rel == "prep:à"
    assert verb.lemma_ in load_event_cues("fr").support_verbs


def test_event_cue_files_validate():
    for lang in ("fr", "en"):
        cues = load_event_cues(lang)
        assert cues.speech_verbs and cues.support_verbs and cues.destination_preps
        assert cues.is_furniture("Partager sur Facebook Partager sur X") or lang == "en"
        assert not cues.is_furniture("Seoul summoned the Russian ambassador on Friday.")
    assert load_event_cues("en").is_furniture("Your email address will not be published.")
    assert load_event_cues("fr").is_furniture("Laisser un commentaire")
