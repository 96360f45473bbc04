"""Tests of dragoman.language: forced, given and detected languages; unsupported ones skipped."""

from __future__ import annotations

import pytest

from dragoman.errors import PipelineError
from dragoman.ingest import document_from_text
from dragoman.language import LanguageStage, detect, normalise_lang
from dragoman.schema import Document


def doc(text, **kw):
    return document_from_text(text, doc_id=kw.pop("doc_id", "d"), **kw)


def run(stage, *docs):
    return list(stage(list(docs)))


@pytest.mark.parametrize("text, lang", [
    ("Le président de la République a reçu mardi son homologue sénégalais à l'Élysée.", "fr"),
    ("The president received his Senegalese counterpart at the White House on Tuesday.", "en"),
    ("Der Bundeskanzler hat am Dienstag seinen französischen Amtskollegen in Berlin empfangen.", "de"),
    ("El presidente recibió el martes a su homólogo senegalés en el palacio presidencial.", "es"),
    ("استقبل الرئيس يوم الثلاثاء نظيره السنغالي في القصر الرئاسي", "ar"),
    ("Президент во вторник принял своего сенегальского коллегу в Кремле.", "ru"),
])
def test_detect(text, lang):
    code, conf = detect(text)
    assert code == lang
    assert 0.5 <= conf <= 1.0


def test_detected_language_is_stored():
    (d,) = run(LanguageStage(), doc("Les manifestants ont bloqué les routes autour de la capitale."))
    assert (d.lang, d.lang_detected) == ("fr", "fr")
    assert d.lang_confidence > 0.5 and not d.failed


def test_unsupported_language_is_skipped_not_coded():
    (d,) = run(LanguageStage(), doc("Die Demonstranten blockierten die Straßen rund um die Hauptstadt."))
    assert d.skipped == "unsupported language 'de'"
    assert d.lang == "de" and d.failed


def test_record_language_wins_over_detection():
    (d,) = run(LanguageStage(), doc("The minister spoke.", lang="FR-fr"))
    assert d.lang == "fr" and d.lang_detected is None


def test_forced_language_wins_over_everything():
    stage = LanguageStage(force="en")
    (a, b) = run(stage, doc("Le ministre a parlé longuement devant les députés.", lang="fr", doc_id="a"),
                 doc("Der Minister sprach lange vor den Abgeordneten.", doc_id="b"))
    assert (a.lang, b.lang) == ("en", "en") and not b.skipped


def test_forcing_an_unsupported_language_is_refused():
    with pytest.raises(PipelineError, match="unsupported language 'de'"):
        LanguageStage(force="de")


@pytest.mark.parametrize("text", ["OK", "Merci", "Yes", "Paris 2024", "Guten Tag"])
def test_very_short_texts_fall_back_to_french_or_english(text):
    code, _ = detect(text)
    assert code in ("fr", "en")


def test_short_text_uses_html_hint():
    d = Document(id="h", text="Oui", meta={"html_lang": "en-GB"})
    (d,) = run(LanguageStage(), d)
    assert d.lang == "en"


def test_no_letters_is_an_error_on_that_document_only():
    docs = run(LanguageStage(), Document(id="n", text="1234 -- 56"),
               doc("The ministers met in Geneva and agreed on a ceasefire.", doc_id="ok"))
    assert docs[0].errors and docs[0].errors[0].code == "E201"
    assert docs[1].lang == "en" and not docs[1].errors


def test_failed_documents_are_left_alone():
    d = Document(id="x", text="Le ministre a parlé.", skipped="duplicate")
    (out,) = run(LanguageStage(), d)
    assert out.lang is None and out.lang_detected is None


@pytest.mark.parametrize("raw, code", [("fr-FR", "fr"), ("EN_us", "en"), ("", None), (None, None), ("de", "de")])
def test_normalise_lang(raw, code):
    assert normalise_lang(raw) == code
