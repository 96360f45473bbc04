"""Actor resolution on hand-written French and English sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from dragoman.actors import ActorStage, get_kb, resolve_phrase
from dragoman.ingest import document_from_text
from dragoman.nlp import NlpStage

D2024 = dt.date(2024, 3, 1)


@pytest.fixture(scope="module")
def kb():
    return get_kb()


@pytest.fixture(scope="module")
def run():
    nlp_stage = NlpStage()
    stage = ActorStage()

    def _run(text: str, lang: str, day: dt.date = D2024):
        doc = document_from_text(text, doc_id="t", lang=lang, pub_date=day)
        doc = next(iter(stage(nlp_stage([doc]))))
        assert not doc.errors, doc.errors
        return doc

    return _run


def mentions(doc):
    return [(doc.text[m.start:m.end], m.actor.code, m.kind) for m in doc.actor_mentions]


@pytest.mark.parametrize(("lang", "phrase", "code", "name"), [
    ("fr", "le vice-ministre nord-coréen des Affaires étrangères Pak Myong Ho", "PRKGOV", "Pak Myong Ho"),
    ("en", "South Korea's foreign ministry", "KORGOV", None),
    ("fr", "les forces russes", "RUSMIL", None),
    ("en", "police in Seoul", "KORCOP", None),
    ("en", "a US destroyer", "USAMIL", None),
    ("fr", "la police à Séoul", "KORCOP", None),
    ("en", "Bank of China", "CHNBUS", "Bank of China"),
    ("en", "Peking University", "CHNEDU", "Peking University"),
    ("en", "China Daily", "CHNJRN", "China Daily"),
    ("fr", "l'ONU", "IGOUNO", "Nations unies"),
    ("fr", "l'Otan", "IGONATO", None),
    ("en", "the Red Cross", "NGOICRC", None),
    ("fr", "le Kremlin", "RUSGOV", None),
    ("en", "the Pentagon", "USAMIL", None),
    ("fr", "la Maison-Blanche", "USAGOV", None),
    ("fr", "Pékin", "CHNGOV", None),
])
def test_phrases(lang, phrase, code, name):
    actor = resolve_phrase(phrase, lang, D2024)
    assert actor is not None
    assert actor.code == code
    if name:
        assert actor.name == name


def test_bare_role_has_sector_no_country():
    a = resolve_phrase("les manifestants", "fr")
    assert a.country is None and a.sector == "CVL" and a.code is None
    a = resolve_phrase("the rebels", "en")
    assert a.country is None and a.sector == "REB"


def test_offsets_are_original_text(run):
    doc = run("Le vice-ministre nord-coréen des Affaires étrangères Pak Myong Ho a averti Washington.", "fr")
    m = doc.actor_mentions[0]
    assert doc.text[m.start:m.end] == "vice-ministre nord-coréen des Affaires étrangères Pak Myong Ho"
    assert m.actor.code == "PRKGOV" and m.kind == "person"
    span = doc.sentences[m.sentence_index].span.doc[m.token_start:m.token_end]
    assert span.text == doc.text[m.start:m.end]
    assert mentions(doc)[1] == ("Washington", "USAGOV", "capital")


def test_place_part_is_no_actor(run):
    doc = run("Des navires chinois patrouillent en mer de Chine méridionale.", "fr")
    kinds = {t: k for t, _c, k in mentions(doc)}
    assert kinds.get("mer de Chine méridionale") == "place-part"
    assert all(c is None for t, c, k in mentions(doc) if k == "place-part")
