"""Date phrases: finding, resolving against the publication date, event dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.dates import DateStage, event_date, find_dates, load_date_patterns, resolve_phrase
from dragoman.errors import DataFileError
from dragoman.schema import Document, Sentence

THU = date(2024, 3, 14)  # a Thursday


@pytest.fixture(scope="module")
def nlp():
    from dragoman.nlp import load_nlp

    return {"fr": load_nlp("fr"), "en": load_nlp("en")}


def make_doc(nlp, text: str, lang: str, pub: date | None = THU) -> Document:
    """A document through the real ingest + nlp stages (``nlp`` keeps the models loaded)."""
    from dragoman.ingest import document_from_text
    from dragoman.nlp import NlpStage

    doc = document_from_text(text, doc_id="t", lang=lang, pub_date=pub, title="")
    doc = next(iter(NlpStage()([doc])))
    assert not doc.errors, doc.errors
    return doc


def dated(nlp, text: str, lang: str, trigger: str, pub: date | None = THU, future: bool = False):
    doc = make_doc(nlp, text, lang, pub)
    doc = next(iter(DateStage()([doc])))
    assert not doc.errors, doc.errors
    for sent in doc.sentences:
        for tok in sent.span:
            if tok.text == trigger:
                return event_date(doc, sent.index, tok.i, future=future)
    raise AssertionError(f"trigger {trigger!r} not in {text!r}")


def one(text: str, lang: str, pub: date | None = THU, future: bool = False):
    found = find_dates(text, lang, pub, future=future)
    assert len(found) == 1, found
    s, e, res = found[0]
    return text[s:e], res.date, res.precision, res.background


# Publication Thursday 2024-03-14 for every case below.
FR_CASES = [
    ("Il est arrivé le 12 mars 2024.", "le 12 mars 2024", "2024-03-12", "day"),
    ("Ils se sont vus le 12 mars.", "le 12 mars", "2024-03-12", "day"),
    ("Le vote a eu lieu jeudi 7 mars 2024.", "jeudi 7 mars 2024", "2024-03-07", "day"),
    ("Le texte du 2024-03-12 est clair.", "2024-03-12", "2024-03-12", "day"),
    ("Ils ont voté en mars 2024.", "en mars 2024", "2024-03-01", "month"),
    ("La réforme a été votée en 2019.", "en 2019", "2019-01-01", "year"),
    ("Il a parlé jeudi.", "jeudi", "2024-03-14", "day"),
    ("Il a parlé mardi.", "mardi", "2024-03-12", "day"),
    ("Il a parlé jeudi dernier.", "jeudi dernier", "2024-03-07", "day"),
    ("Il parlera mardi prochain.", "mardi prochain", "2024-03-19", "day"),
    ("Il a parlé hier.", "hier", "2024-03-13", "day"),
    ("Il parle aujourd'hui.", "aujourd'hui", "2024-03-14", "day"),
    ("Il a parlé avant-hier.", "avant-hier", "2024-03-12", "day"),
    ("Il parlera demain.", "demain", "2024-03-15", "day"),
    ("Il a parlé ce matin.", "ce matin", "2024-03-14", "day"),
    ("Il a parlé cette semaine.", "cette semaine", "2024-03-11", "week"),
    ("Il a parlé la semaine dernière.", "la semaine dernière", "2024-03-04", "week"),
    ("Il parlera la semaine prochaine.", "la semaine prochaine", "2024-03-18", "week"),
    ("Il a parlé le mois dernier.", "le mois dernier", "2024-02-01", "month"),
    ("Il parlera le mois prochain.", "le mois prochain", "2024-04-01", "month"),
    ("Il a parlé l'an dernier.", "l'an dernier", "2023-01-01", "year"),
    ("Il a parlé l’an dernier.", "l’an dernier", "2023-01-01", "year"),
    ("Il parlera l'année prochaine.", "l'année prochaine", "2025-01-01", "year"),
    ("Il a parlé septembre dernier.", "septembre dernier", "2023-09-01", "month"),
    ("Il a parlé en septembre dernier.", "septembre dernier", "2023-09-01", "month"),
    ("Il a parlé en début de semaine.", "en début de semaine", "2024-03-11", "week"),
    ("Il a parlé il y a deux jours.", "il y a deux jours", "2024-03-12", "day"),
    ("Il parlera dans trois semaines.", "dans trois semaines", "2024-04-01", "week"),
    ("Il a frappé dans la nuit de mardi à mercredi.", "dans la nuit de mardi à mercredi", "2024-03-13", "day"),
    ("Il a parlé hier soir.", "hier soir", "2024-03-13", "day"),
    ("Le texte date du 1er mars.", "du 1er mars", "2024-03-01", "day"),
    ("Les frappes de mi-mars 2024 ont cessé.", "mi-mars 2024", "2024-03-01", "month"),
    ("Le décret du 12/03/2024 est paru.", "du 12/03/2024", "2024-03-12", "day"),
    ("Ils ont manifesté dans la soirée de mardi.", "dans la soirée de mardi", "2024-03-12", "day"),
    ("Ils ont manifesté le week-end dernier.", "le week-end dernier", "2024-03-04", "week"),
    ("Ils ont voté fin février.", "fin février", "2024-02-01", "month"),
]

EN_CASES = [
    ("He arrived on March 12, 2024.", "on March 12, 2024", "2024-03-12", "day"),
    ("He arrived on 12 March.", "on 12 March", "2024-03-12", "day"),
    ("He arrived on 2024-03-12.", "2024-03-12", "2024-03-12", "day"),
    ("They met in March.", "in March", "2024-03-01", "month"),
    ("They met in March 2023.", "in March 2023", "2023-03-01", "month"),
    ("They met in 2019.", "in 2019", "2019-01-01", "year"),
    ("They met yesterday.", "yesterday", "2024-03-13", "day"),
    ("They meet today.", "today", "2024-03-14", "day"),
    ("They met last week.", "last week", "2024-03-04", "week"),
    ("They will meet next month.", "next month", "2024-04-01", "month"),
    ("They met last year.", "last year", "2023-01-01", "year"),
    ("They met two days ago.", "two days ago", "2024-03-12", "day"),
    ("They met earlier this month.", "earlier this month", "2024-03-01", "month"),
    ("They met on Thursday.", "on Thursday", "2024-03-14", "day"),
    ("They met on Tuesday.", "on Tuesday", "2024-03-12", "day"),
    ("They clashed Thursday night.", "Thursday night", "2024-03-14", "day"),
    ("They met last Thursday.", "last Thursday", "2024-03-07", "day"),
    ("They will meet next Thursday.", "next Thursday", "2024-03-21", "day"),
    ("They met the day before yesterday.", "the day before yesterday", "2024-03-12", "day"),
    ("They met last September.", "last September", "2023-09-01", "month"),
    ("They met in mid-March.", "in mid-March", "2024-03-01", "month"),
    ("The decree of 3/12/2024 was published.", "3/12/2024", "2024-03-12", "day"),
    ("They met on Sept. 29.", "on Sept. 29", "2023-09-29", "day"),
    ("They marched last weekend.", "last weekend", "2024-03-04", "week"),
]

BACKGROUND = [
    ("fr", "Le pays est en crise depuis 2019.", "depuis 2019"),
    ("fr", "Les tensions montent ces derniers mois.", "ces derniers mois"),
    ("fr", "Le conflit dure depuis des décennies.", "depuis des décennies"),
    ("fr", "La ville a été détruite pendant la guerre de Corée.", "pendant la guerre de Corée"),
    ("fr", "Les prix ont doublé au cours des derniers mois.", "au cours des derniers mois"),
    ("en", "The country has been in crisis since 2019.", "since 2019"),
    ("en", "Tensions have risen in recent months.", "in recent months"),
    ("en", "The two have been at odds for decades.", "for decades"),
    ("en", "Prices doubled over the past year.", "over the past year"),
    ("en", "The city was destroyed during the Korean War.", "during the Korean War"),
    ("fr", "Aucun accord n'a été trouvé à ce jour.", "à ce jour"),
    ("en", "No deal has been reached to date.", "to date"),
]


@pytest.mark.parametrize(("text", "phrase", "iso", "precision"), FR_CASES)
def test_french_phrases(text, phrase, iso, precision):
    assert one(text, "fr") == (phrase, iso, precision, False)


@pytest.mark.parametrize(("text", "phrase", "iso", "precision"), EN_CASES)
def test_english_phrases(text, phrase, iso, precision):
    assert one(text, "en") == (phrase, iso, precision, False)


@pytest.mark.parametrize(("lang", "text", "phrase"), BACKGROUND)
def test_background_markers(lang, text, phrase):
    got = one(text, lang)
    assert got[0] == phrase
    assert got[3] is True


def test_month_names_that_are_words_need_context():
    assert find_dates("Protesters march on the capital. They may win.", "en", THU) == []
    assert one("They will meet in May.", "en", THU, future=True)[1] == "2024-05-01"
    # "in May" in the past, published in March: last May.
    assert one("They met in May.", "en", THU)[1] == "2023-05-01"


def test_sun_is_not_sunday():
    assert find_dates("The Sun reported it. Sun Myung Moon died.", "en", THU) == []


def test_weekday_same_as_publication_day():
    # Past/present: the publication day itself; future: a week later.
    assert one("Il a parlé jeudi.", "fr")[1] == "2024-03-14"
    assert one("Il parlera jeudi.", "fr", future=True)[1] == "2024-03-21"
    assert one("He spoke on Thursday.", "en")[1] == "2024-03-14"
    assert one("He will speak on Thursday.", "en", future=True)[1] == "2024-03-21"
    # Other weekdays: the previous one in the past, the next one in the future.
    assert one("Il a parlé vendredi.", "fr")[1] == "2024-03-08"
    assert one("Il parlera vendredi.", "fr", future=True)[1] == "2024-03-15"
    # "dernier"/"prochain" are never ambiguous.
    assert one("jeudi dernier", "fr", future=True)[1] == "2024-03-07"
    assert one("jeudi prochain", "fr")[1] == "2024-03-21"


def test_month_relative_edges():
    # "septembre dernier" published in November is this year's September.
    assert one("septembre dernier", "fr", date(2024, 11, 5))[1] == "2024-09-01"
    assert one("mars dernier", "fr", THU)[1] == "2023-03-01"
    assert one("mars prochain", "fr", THU)[1] == "2025-03-01"
    assert one("le 20 mars", "fr", THU, future=True)[1] == "2024-03-20"
    assert one("le 20 mars", "fr", THU)[1] == "2023-03-20"


def test_without_publication_date():
    assert one("Il a parlé hier.", "fr", None) == ("hier", None, "day", False)
    assert one("Il a parlé le 12 mars 2024.", "fr", None)[1] == "2024-03-12"
    assert one("Il a parlé le 12 mars.", "fr", None)[1] is None


def test_bad_data_file_names_file_and_line(tmp_path):
    bad = tmp_path / "dates.yaml"
    bad.write_text(
        "months: {mars: 3}\nweekdays: {lundi: 0}\nnumbers: {un: 1}\nunits: {jour: day}\n"
        "patterns:\n  - {pattern: 'hier', kind: offset, days: -1}\n  - {pattern: 'x', kind: sometime}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as err:
        load_date_patterns("fr", bad)
    assert f"{bad}:7" in str(err.value)
    assert err.value.code == "E100"


# ---------------------------------------------------------------- stage + event dates


def test_stage_offsets_and_tense(nlp):
    text = "Le président se rendra jeudi en Corée du Nord, a annoncé mercredi Pékin. Il y était allé hier."
    doc = make_doc(nlp, text, "fr")
    doc = next(iter(DateStage()([doc])))
    got = [(p.text, p.date, p.sentence_index) for p in doc.date_phrases]
    assert got == [("jeudi", "2024-03-21", 0), ("mercredi", "2024-03-13", 0), ("hier", "2024-03-13", 1)]
    for p in doc.date_phrases:
        assert doc.text[p.start:p.end] == p.text


def test_stage_keeps_original_offsets_with_norm_map(nlp):
    # The spaCy doc is built on norm_text; phrases are reported in doc.text offsets.
    text = "Titre\u00a0: bref.   Il a parlé hier."
    norm = "Titre : bref. Il a parlé hier."
    norm_map = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] + list(range(16, len(text) + 1))
    assert len(norm_map) == len(norm) + 1
    doc = Document(id="n", text=text, lang="fr", pub_date=THU, norm_text=norm, norm_map=norm_map)
    sdoc = nlp["fr"](norm)
    doc.sentences = [
        Sentence(index=i, start=doc.orig(s.start_char), end=doc.orig(s.end_char), text=s.text, span=s)
        for i, s in enumerate(sdoc.sents)
    ]
    doc = next(iter(DateStage()([doc])))
    [p] = doc.date_phrases
    assert (p.text, doc.text[p.start:p.end]) == ("hier", "hier")


def test_event_date_prefers_event_clause_over_reporting_verb(nlp):
    text = "Le président chinois se rendra jeudi en Corée du Nord, a annoncé mercredi Pékin."
    assert dated(nlp, text, "fr", "rendra", future=True) == ("2024-03-21", "day", "jeudi")
    assert dated(nlp, text, "fr", "annoncé") == ("2024-03-13", "day", "mercredi")


def test_reporting_verb_date_is_not_the_event_date(nlp):
    text = "Les deux pays ont signé un accord, a annoncé mardi la Maison Blanche."
    assert dated(nlp, text, "fr", "signé") == ("2024-03-14", "inferred", None)
    text = "The Kremlin said on Monday that Russian troops had shelled the town."
    assert dated(nlp, text, "en", "shelled") == ("2024-03-14", "inferred", None)
    assert dated(nlp, text, "en", "said") == ("2024-03-11", "day", "on Monday")


def test_event_date_nearest_phrase_in_clause(nlp):
    text = "Depuis 2019, la Corée du Nord multiplie les essais ; elle a tiré hier un missile."
    assert dated(nlp, text, "fr", "tiré") == ("2024-03-13", "day", "hier")
    text = "Protesters clashed with police in Kharkiv on Thursday night, after months of tension since 2019."
    assert dated(nlp, text, "en", "clashed") == ("2024-03-14", "day", "on Thursday night")


def test_background_never_dates_an_event(nlp):
    text = "La Corée du Nord a multiplié les essais de missiles ces derniers mois."
    assert dated(nlp, text, "fr", "multiplié") == ("2024-03-14", "inferred", None)
    text = "Sanctions have crippled the economy for decades."
    assert dated(nlp, text, "en", "crippled", pub=None) == (None, "inferred", None)


def test_future_event_weekday_is_next_week(nlp):
    text = "Xi will visit Moscow on Thursday."
    assert dated(nlp, text, "en", "visit", future=True) == ("2024-03-21", "day", "on Thursday")
    text = "Xi visited Moscow on Thursday."
    assert dated(nlp, text, "en", "visited") == ("2024-03-14", "day", "on Thursday")


def test_night_of_tuesday_to_wednesday(nlp):
    text = "L'armée a frappé dans la nuit de mardi à mercredi plusieurs villes."
    assert dated(nlp, text, "fr", "frappé") == ("2024-03-13", "day", "dans la nuit de mardi à mercredi")


def test_bad_trigger_index(nlp):
    # Without a usable trigger only an unambiguous (single) phrase is used.
    doc = next(iter(DateStage()([make_doc(nlp, "Il a parlé hier. Il partira demain ou jeudi.", "fr")])))
    assert event_date(doc, 0, 999) == ("2024-03-13", "day", "hier")
    assert event_date(doc, 1, 999) == ("2024-03-14", "inferred", None)
    assert event_date(doc, 7, 0) == ("2024-03-14", "inferred", None)


# ---------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["fr", "en"]), st.booleans(),
       st.one_of(st.none(), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))))
def test_resolver_never_raises(text, lang, future, pub):
    res = resolve_phrase(text, lang, pub, future=future)
    assert res is None or res.precision in ("day", "week", "month", "year")


_WORDS = st.sampled_from([
    "hier", "jeudi", "dernier", "le", "12", "mars", "2024", "depuis", "2019", "il y a", "deux", "jours",
    "yesterday", "on", "Thursday", "last", "week", "March", "since", "ago", "two", "l’an", "prochain",
    "\u00a0", "  ", ",", ".", "é", "dans", "la", "nuit", "de", "à", "mercredi", "31", "février", "-",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=14), st.sampled_from(["fr", "en"]))
def test_phrase_offsets_slice_the_text(words, lang):
    text = " ".join(words)
    doc = Document(id="p", text=text, lang=lang, pub_date=THU)
    doc.sentences = [Sentence(index=0, start=0, end=len(text), text=text)]
    doc = next(iter(DateStage()([doc])))
    assert not doc.errors
    for p in doc.date_phrases:
        assert doc.text[p.start:p.end] == p.text
        assert p.precision in ("day", "week", "month", "year")


@pytest.mark.parametrize("lang, text", [
    ("fr", "Le sommet, prévu le 12 mars 2025 à Genève, a été reporté à la semaine prochaine."),
    ("fr", "Les discussions durent depuis 2019 et reprendront jeudi ; rien n'est prévu en mai."),
    ("fr", "Le ministre a rencontré son homologue sans donner de calendrier."),
    ("en", "Talks held on Tuesday, March 4 were postponed until next week, officials said."),
    ("en", "Fighting has raged for decades, since 1994, and resumed three days ago."),
    ("en", "The minister met his counterpart but gave no timetable."),
    ("en", "May they meet in May? The sun rose on Sun. 5 May 2024."),
])
def test_one_pass_prefilter_finds_what_the_rules_find(lang, text):
    """``_scan`` skips texts where the union of all rules finds nothing: same phrases as rule by rule."""
    from dataclasses import replace

    from dragoman.dates import _patterns, _scan

    pats = _patterns(lang)
    assert pats.any_rule is not None  # the shipped patterns all fit the union
    slow = replace(pats, any_rule=None)

    def found(p):
        return [(f.start, f.end, f.rule.line) for f in _scan(text, p)]

    assert found(pats) == found(slow)
    for start in range(0, len(text), 7):  # every piece too, including pieces without a date
        piece = text[start:start + 20]
        assert [(f.start, f.end) for f in _scan(piece, pats)] == [(f.start, f.end) for f in _scan(piece, slow)]
