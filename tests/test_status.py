"""Event status from morphology and the status cue files (fr/en)."""

from __future__ import annotations

import pytest

from dragoman.events.cues import load_status_cues
from dragoman.events.status import detect_status
from dragoman.nlp import load_nlp


@pytest.fixture(scope="module")
def parse():
    def _parse(lang: str, text: str):
        return load_nlp(lang)(text)

    return _parse


def _status(parse, lang: str, text: str, word: str) -> str:
    doc = parse(lang, text)
    tok = next(t for t in doc if t.text == word)
    return detect_status(tok, lang).status


@pytest.mark.parametrize("text,word,expected", [
    ("Le ministre se rendra en Corée du Nord la semaine prochaine.", "rendra", "planned"),
    ("La Corée du Nord tirera des missiles demain.", "tirera", "planned"),
    ("Le président doit se rendre à Paris.", "rendre", "planned"),
    ("Le président devrait rencontrer son homologue.", "rencontrer", "planned"),
    ("Il va visiter Berlin.", "visiter", "planned"),
    ("Pékin prévoit de signer un accord.", "signer", "planned"),
    ("Pyongyang pourrait rencontrer Séoul.", "rencontrer", "hypothetical"),
    ("Pyongyang chercherait à rencontrer Séoul.", "rencontrer", "hypothetical"),
    ("Si Washington accepte, Pyongyang rencontrera Séoul.", "rencontrera", "hypothetical"),
    ("La Corée du Nord ne tirera pas de missiles.", "tirera", "negated"),
    ("Le président n'a jamais rencontré Kim.", "rencontré", "negated"),
    ("Séoul a nié avoir attaqué le navire.", "attaqué", "negated"),
    ("La police a arrêté douze manifestants.", "arrêté", "occurred"),
    ("La police a procédé à des arrestations.", "arrestations", "occurred"),
    # purpose clauses state a goal, not a fact; a past infinitive after "pour" gives a reason
    ("Une enquête a été ouverte dans le but d'arrêter les cambrioleurs.", "arrêter", "hypothetical"),
    ("Les gendarmes sont venus afin d'interpeller le suspect.", "interpeller", "hypothetical"),
    ("Il a été condamné pour avoir frappé un gardien.", "frappé", "occurred"),
])
def test_french_status(parse, text, word, expected):
    assert _status(parse, "fr", text, word) == expected


@pytest.mark.parametrize("text,word,expected", [
    ("The minister will visit Moscow next week.", "visit", "planned"),
    ("The minister is due to visit Moscow.", "visit", "planned"),
    ("The minister is expected to visit Moscow.", "visit", "planned"),
    ("He said he would visit Moscow next week.", "visit", "planned"),
    ("The two leaders will hold talks in Moscow.", "talks", "planned"),
    ("Experts say Kim would probably seek to meet Xi.", "meet", "hypothetical"),
    ("Tokyo could impose new sanctions if the cooperation continues.", "impose", "hypothetical"),
    ("Will Putin meet Kim?", "meet", "hypothetical"),
    ("North Korea will not launch missiles.", "launch", "negated"),
    ("Seoul denied that it had attacked the boat.", "attacked", "negated"),
    ("Seoul refused to meet the envoy.", "meet", "negated"),
    # the refusal itself is an event that occurred (REJECT), not a negated one
    ("Seoul refused to meet the envoy.", "refused", "occurred"),
    ("Police arrested 12 protesters.", "arrested", "occurred"),
    ("Troops surrounded the village in order to arrest the rebel leader.", "arrest", "hypothetical"),
    ("Troops surrounded the village in order to arrest the rebel leader.", "surrounded", "occurred"),
])
def test_english_status(parse, text, word, expected):
    assert _status(parse, "en", text, word) == expected


def test_cue_is_reported(parse):
    doc = parse("en", "North Korea will not launch missiles.")
    res = detect_status(next(t for t in doc if t.text == "launch"), "en")
    assert res.cue == "not"


def test_status_cue_files_validate():
    for lang in ("fr", "en"):
        cues = load_status_cues(lang)
        assert cues.negation_words and cues.planned_governors


@pytest.mark.parametrize("lang,text,word,expected", [
    # a verb coordinated with the accusation is another statement, not what is alleged
    ("en", "The Latvian interior minister has been indicted by a court for fraud and will resign.", "resign",
     "planned"),
    ("fr", "Le ministre letton de l'Intérieur a été inculpé par un tribunal pour fraude et va démissionner.",
     "démissionner", "planned"),
    # what is alleged stays hypothetical, coordinated acts included
    ("en", "The rebels were accused of killing and wounding civilians.", "wounding", "hypothetical"),
])
def test_coordination_with_an_accusation_is_no_allegation(parse, lang, text, word, expected):
    assert _status(parse, lang, text, word) == expected
