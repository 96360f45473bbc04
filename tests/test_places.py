"""Gazetteer, place mentions and event locations."""

from __future__ import annotations

from datetime import date

import pytest

from dragoman.dates import DateStage
from dragoman.errors import DataFileError
from dragoman.ingest import document_from_text
from dragoman.nlp import NlpStage
from dragoman.places import PlaceStage, event_location, load_gazetteer, place_key
from dragoman.schema import Actor, ActorMention, Document

PUB = date(2024, 3, 14)


@pytest.fixture(scope="module")
def nlp():
    from dragoman.nlp import load_nlp

    return {"fr": load_nlp("fr"), "en": load_nlp("en")}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def coded(nlp, text: str, lang: str, actors: list[ActorMention] | None = None) -> Document:
    doc = document_from_text(text, doc_id="t", lang=lang, pub_date=PUB, title="")
    doc.actor_mentions = actors or []
    doc = next(iter(PlaceStage()(DateStage()(NlpStage()([doc])))))
    assert not doc.errors, doc.errors
    return doc


def mentions(doc: Document) -> list[tuple[str, str | None, str | None]]:
    return [(m.location.text, m.location.name, m.location.country) for m in doc.place_mentions]


def where(nlp, text: str, lang: str, trigger: str) -> tuple[str, str | None, str | None] | None:
    doc = coded(nlp, text, lang)
    for sent in doc.sentences:
        for tok in sent.span:
            if tok.text == trigger:
                loc = event_location(doc, sent.index, tok.i)
                return (loc.text, loc.name, loc.country) if loc else None
    raise AssertionError(f"trigger {trigger!r} not in {text!r}")


# ---------------------------------------------------------------- gazetteer


def test_keys_ignore_case_accents_dots():
    assert place_key("Pékin") == place_key("PEKIN") == "pekin"
    assert place_key("U.S.") == "us"
    assert place_key("Haut-Karabakh") == place_key("haut karabakh")
    assert place_key("l’Ukraine") == "l'ukraine"


@pytest.mark.parametrize(("text", "name", "country", "fclass"), [
    ("Pékin", "Beijing", "CHN", "P"),
    ("Séoul", "Seoul", "KOR", "P"),
    ("Moscou", "Moscow", "RUS", "P"),
    ("Londres", "London", "GBR", "P"),
    ("Le Caire", "Cairo", "EGY", "P"),
    ("Kiev", "Kyiv", "UKR", "P"),
    ("Washington", "Washington", "USA", "P"),
    ("China", "China", "CHN", "A"),
    ("Chine", "China", "CHN", "A"),
    ("Jordan", "Jordan", "JOR", "A"),
    ("Georgia", "Georgia", "GEO", "A"),
    ("Corée du Nord", "North Korea", "PRK", "A"),
    ("États-Unis", "United States", "USA", "A"),
    ("Etats-Unis", "United States", "USA", "A"),
    ("mer du Japon", "Sea of Japan", None, "H"),
    ("Sea of Japan", "Sea of Japan", None, "H"),
    ("Cisjordanie", "West Bank", "PSE", "A"),
    ("bande de Gaza", "Gaza Strip", "PSE", "A"),
    ("Crimée", "Crimea", "UKR", "L"),
    ("Zaporijia", "Zaporizhzhya", "UKR", "P"),
    ("Arizona", "Arizona", "USA", "A"),
    ("Louisiane", "Louisiana", "USA", "A"),
    ("New York", "New York City", "USA", "P"),
    ("Afrique", "Africa", None, "L"),
    ("Angleterre", "England", "GBR", "A"),
])
def test_gazetteer_resolves(gaz, text, name, country, fclass):
    best = gaz.best(text)
    assert best is not None, text
    assert (best.name, best.country, best.feature_class) == (name, country, fclass)
    assert best.lat is not None and best.lon is not None


def test_country_is_never_a_city(gaz):
    for text in ("China", "Chine", "Mexico", "Jordan", "Niger", "Chad", "Congo"):
        assert gaz.best(text).feature_class == "A", text


def test_codes_are_not_names(gaz):
    # GeoNames alternates include airport codes ("VIE" = Vienna) and Roman numerals.
    for text in ("Vie", "VIE", "XVIIIe", "LA"):
        assert gaz.best(text) is None, text


def test_french_a_before_a_country_name_means_the_city(nlp):
    doc = coded(nlp, "Des manifestants se sont rassemblés à Mexico puis au Mexique et à Koweït.", "fr")
    assert [(m[1], m[2]) for m in mentions(doc)][:2] == [("Mexico City", "MEX"), ("Mexico", "MEX")]
    doc = coded(nlp, "Protesters gathered in Mexico.", "en")
    assert [(m[1], m[2]) for m in mentions(doc)] == [("Mexico", "MEX")]


def test_country_coordinates_are_plausible(gaz):
    china = gaz.best("China")
    assert 20 < china.lat < 45 and 90 < china.lon < 125
    fiji = gaz.best("Fiji")  # straddles the 180th meridian
    assert abs(abs(fiji.lon) - 178) < 5


def test_documents_countries_rank_cities(gaz):
    # Tripoli: Libya by population, Lebanon when the document is about Lebanon.
    assert gaz.best("Tripoli").country == "LBY"
    assert gaz.best("Tripoli", {"LBN"}).country == "LBN"


@pytest.mark.parametrize(("text", "name", "country", "code"), [
    ("Sindh", "Sindh", "PAK", "PK-SD"),
    ("Sind", "Sindh", "PAK", "PK-SD"),
    ("Aceh", "Aceh", "IDN", "ID-AC"),
    ("Bavaria", "Bavaria", "DEU", "DE-BY"),
    ("Bavière", "Bavaria", "DEU", "DE-BY"),
    ("Helmand", "Helmand", "AFG", "AF-HEL"),
    ("Wallonie", "Wallonia", "BEL", "BE-WAL"),
])
def test_first_level_regions(gaz, text, name, country, code):
    best = gaz.best(text)
    assert (best.name, best.country, best.feature_class, best.code) == (name, country, "A", code)


def test_region_of_two_countries_gives_no_country(gaz):
    # Punjab is a state of India and a province of Pakistan: no country unless the document says
    for text in ("Punjab", "Pendjab"):
        assert gaz.best(text).name == "Punjab"
        assert gaz.best(text).country is None
        assert gaz.best(text, {"PAK"}).country == "PAK"
        assert gaz.best(text, {"IND"}).country == "IND"
        assert gaz.best(text, {"IND", "PAK"}).country is None


def test_regions_never_replace_countries_or_big_cities(gaz):
    # Georgia: the country outranks the US state (the US-state reading is lost: a known limit);
    # Luxembourg: the country, not the Belgian province; Khartoum, Gaza, La Paz: the cities;
    # Ramallah: the town of the governorate's own country.
    assert gaz.best("Georgia").country == "GEO"
    assert all(p.code is None for p in gaz.lookup("Luxembourg"))
    for city, country in (("Khartoum", "SDN"), ("Gaza", "PSE"), ("La Paz", "BOL"), ("Washington", "USA"),
                          ("Ramallah", "PSE")):
        assert (gaz.best(city).feature_class, gaz.best(city).country) == ("P", country)
        assert all(p.code is None for p in gaz.lookup(city))
    # names that are common words in ISO's list never become regions
    for word in ("Nord", "Central", "Gulf", "Atlantique", "Maritime"):
        assert all(p.code is None for p in gaz.lookup(word)), word


def test_region_extra_file_is_validated():
    from dragoman.places import _read_region_extra

    good = "version: 1\nbig_city: 10\nskip_countries: []\nexclude: [Nord]\naliases: {}\n"
    assert _read_region_extra(good, "x.yaml")["big_city"] == 10
    for bad, problem in ((good.replace("version: 1", "version: 2"), "version"),
                         (good.replace("big_city: 10", "big_city: many"), "big_city"),
                         (good.replace("aliases: {}", "aliases: {Sindh: {en: [Sind]}}"), "ISO 3166-2"),
                         (good.replace("aliases: {}", "aliases: {PK-SD: {de: [Sind]}}"), "PK-SD"),
                         (good.replace("exclude: [Nord]", "exclude: Nord"), "exclude")):
        with pytest.raises(DataFileError) as err:
            _read_region_extra(bad, "x.yaml")
        assert problem in str(err.value) and "x.yaml" in str(err.value)


def test_load_is_cached_and_reasonably_fast(gaz):
    assert load_gazetteer() is gaz
    assert gaz.load_seconds < 30


def test_user_override_file(tmp_path):
    f = tmp_path / "mine.tsv"
    f.write_text(
        "# my places\n"
        "Camp Zeta|Zeta Camp\tCamp Zeta\tSDN\t15.5\t32.5\tS\t\n"
        "Pékin\tBeijing\tCHN\t\t\tP\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer(extra_files=[f])
    assert gaz.best("camp zeta").name == "Camp Zeta"
    assert gaz.best("Zeta Camp").country == "SDN"
    assert gaz.best("Pékin").name == "Beijing"
    assert load_gazetteer().best("Camp Zeta") is None


@pytest.mark.parametrize(("line", "problem"), [
    ("Foo\tFoo\tXXX\t1\t2\tP\t", "unknown ISO3"),
    ("Foo\tFoo\tFRA\tnorth\t2\tP\t", "must be numbers"),
    ("Foo\tFoo\tFRA\t1\t200\tP\t", "out of range"),
    ("Foo\tFoo\tFRA\t1\t2\tQ\t", "feature_class"),
    ("Foo\tFoo\tFRA", "columns"),
    ("Foo\tAtlantis\tFRA\t\t\tP\t", "alias target"),
    ("Foo\tFoo\tFRA\t1\t2\tP\tabc", "geonameid"),
])
def test_bad_override_file_names_file_and_line(tmp_path, line, problem):
    f = tmp_path / "bad.tsv"
    f.write_text("# header comment\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_gazetteer(extra_files=[f])
    assert f"{f}:3" in str(err.value)
    assert problem in str(err.value)


# ---------------------------------------------------------------- mentions


def test_french_mentions(nlp):
    doc = coded(nlp, "La Corée du Nord a tiré hier un missile dans la mer du Japon près de Vladivostok.", "fr")
    assert mentions(doc) == [
        ("Corée du Nord", "North Korea", "PRK"),
        ("mer du Japon", "Sea of Japan", None),
        ("Vladivostok", "Vladivostok", "RUS"),
    ]
    for m in doc.place_mentions:
        assert doc.text[m.location.start:m.location.end] == m.location.text
        span = doc.sentences[0].span.doc[m.token_start:m.token_end]
        assert span.text == m.location.text


def test_english_mentions(nlp):
    doc = coded(nlp, "Thousands protested in the West Bank and the Gaza Strip on Friday near Hebron.", "en")
    assert mentions(doc) == [
        ("West Bank", "West Bank", "PSE"),
        ("Gaza Strip", "Gaza Strip", "PSE"),
        ("Hebron", "Hebron", "PSE"),
    ]


def test_region_mentions_and_locations(nlp):
    doc = coded(nlp, "La police a arrêté des paysans au Pendjab.", "fr")
    assert mentions(doc) == [("Pendjab", "Punjab", None)]
    # a document that names a Pakistani province reads Punjab as Pakistan's
    doc = coded(nlp, "La police a arrêté des paysans au Pendjab et des étudiants dans la province du Sind.", "fr")
    assert mentions(doc) == [("Pendjab", "Punjab", "PAK"), ("Sind", "Sindh", "PAK")]
    assert where(nlp, "La police a dispersé des manifestants en Bavière mardi.", "fr", "dispersé") == (
        "Bavière", "Bavaria", "DEU")
    assert where(nlp, "Soldiers attacked several villages in Aceh on Monday.", "en", "attacked") == (
        "Aceh", "Aceh", "IDN")
    doc = coded(nlp, "Police arrested farmers in Punjab on Monday.", "en")
    assert ("Punjab", "Punjab", None) in mentions(doc)


def test_place_entry_names_the_source(nlp, gaz):
    from dragoman.places import place_entry

    entries = {}
    for text in ("Police arrested farmers in Punjab and students in Moscow.", "Police arrested students in Sindh."):
        doc = coded(nlp, text, "en")
        entries.update({m.location.text: place_entry(m.location, gaz) for m in doc.place_mentions})
    assert entries["Punjab"] == "region in IND, PAK: no country"
    assert entries["Sindh"] == "region ISO 3166-2 PK-SD"
    assert entries["Moscow"].startswith("city geonames ")


def test_multiword_override_beats_entity_inside_it(nlp):
    doc = coded(nlp, "Des milliers de personnes ont manifesté dans la bande de Gaza.", "fr")
    assert mentions(doc) == [("bande de Gaza", "Gaza Strip", "PSE")]


def test_month_after_preposition_is_not_a_place(nlp):
    # "March" is a town in England; "in March" is a date.
    doc = coded(nlp, "The talks will resume in March in Geneva.", "en")
    assert mentions(doc) == [("Geneva", "Geneva", "CHE")]


def test_actor_countries_rank_ambiguous_cities(nlp):
    text = "Des affrontements ont éclaté à Tripoli."
    assert mentions(coded(nlp, text, "fr"))[0][2] == "LBY"
    lebanon = ActorMention(Actor(text="Liban", country="LBN"), 0, 0, 1, 0, 5, "country")
    assert mentions(coded(nlp, text, "fr", [lebanon]))[0][2] == "LBN"


# ---------------------------------------------------------------- event locations


def test_locative_places(nlp):
    assert where(nlp, "La Corée du Nord a tiré hier un missile dans la mer du Japon.", "fr", "tiré") == (
        "mer du Japon", "Sea of Japan", None)
    assert where(nlp, "Des manifestants se sont rassemblés à Séoul.", "fr", "rassemblés") == (
        "Séoul", "Seoul", "KOR")
    assert where(nlp, "Protesters clashed with police in Kharkiv on Thursday night.", "en", "clashed") == (
        "Kharkiv", "Kharkiv", "UKR")
    assert where(nlp, "L'armée a frappé dans le nord de la Syrie.", "fr", "frappé") == ("Syrie", "Syria", "SYR")
    assert where(nlp, "La Chine et la Russie ont signé un accord à Pékin.", "fr", "signé") == (
        "Pékin", "Beijing", "CHN")
    assert where(nlp, "Fighting broke out near Kharkiv.", "en", "broke") == ("Kharkiv", "Kharkiv", "UKR")


def test_direction_words_and_area_phrases(nlp):
    assert where(nlp, "Hezbollah declared a ceasefire in south Lebanon.", "en", "declared") == (
        "Lebanon", "Lebanon", "LBN")
    assert where(nlp, "Supporters blocked roads in the capital city of Algiers.", "en", "blocked") == (
        "Algiers", "Algiers", "DZA")
    assert where(nlp, "Des partisans ont bloqué des routes dans la capitale, Alger.", "fr", "bloqué") == (
        "Alger", "Algiers", "DZA")
    # A country whose name starts with a direction word keeps it.
    doc = coded(nlp, "Elections were held in East Timor and South Sudan.", "en")
    assert [m[1] for m in mentions(doc)] == ["Timor Leste", "South Sudan"]

def test_site_of_a_place_as_object(nlp):
    # The object is a site of the place: the place is where it happened (cities, not countries).
    assert where(nlp, "Syrian forces shelled districts of Aleppo last Sunday.", "en", "shelled") == (
        "Aleppo", "Aleppo", "SYR")
    assert where(nlp, "Un drone a frappé un immeuble de Kharkiv.", "fr", "frappé") == (
        "Kharkiv", "Kharkiv", "UKR")
    assert where(nlp, "Le ministre a rencontré le président de la Russie.", "fr", "rencontré") is None


def test_capital_as_actor_is_not_a_location(nlp):
    assert where(nlp, "Pékin a condamné les essais nucléaires.", "fr", "condamné") is None
    assert where(nlp, "Washington urged Beijing to stop the tests.", "en", "urged") is None
    assert where(nlp, "Moscou accuse Kiev d'avoir violé la trêve.", "fr", "accuse") is None


def test_travel_destination_is_the_location(nlp):
    text = "Le président chinois se rendra jeudi en Corée du Nord, a annoncé mercredi Pékin."
    assert where(nlp, text, "fr", "rendra") == ("Corée du Nord", "North Korea", "PRK")
    assert where(nlp, text, "fr", "annoncé") is None
    assert where(nlp, "Xi will visit Moscow next week.", "en", "visit") == ("Moscow", "Moscow", "RUS")
    assert where(nlp, "China announced a visit to Moscow by its foreign minister.", "en", "visit") == (
        "Moscow", "Moscow", "RUS")
    # "to" marks a destination only after a travel word.
    assert where(nlp, "China sent a letter to Moscow.", "en", "sent") is None
    assert where(nlp, "Zambia extradited the suspect to Britain on Sunday.", "en", "extradited") == (
        "Britain", "United Kingdom", "GBR")


def test_origin_only_after_a_withdrawal_word(nlp):
    assert where(nlp, "U.N. helicopters evacuated the wounded from the besieged town of Gorazde.", "en",
                 "evacuated") == ("Gorazde", "Goražde", "BIH")
    assert where(nlp, "Des Casques bleus ont été retirés de l'enclave de Gorazde.", "fr", "retirés") == (
        "Gorazde", "Goražde", "BIH")
    assert where(nlp, "The minister received a letter from Moscow.", "en", "received") is None
    assert where(nlp, "Le ministre a reçu une lettre de Moscou.", "fr", "reçu") is None


def test_place_inside_a_country_beats_the_country(nlp):
    text = "Des Casques bleus ont été retirés vendredi de l'enclave de Gorazde, dans l'est de la Bosnie."
    assert where(nlp, text, "fr", "retirés") == ("Gorazde", "Goražde", "BIH")


def test_subject_described_by_a_place(nlp):
    text = "One third of the guerrillas operating in Macedonia have been demobilized."
    assert where(nlp, text, "en", "demobilized") == ("Macedonia", "North Macedonia", "MKD")


def test_demonyms_are_not_places(nlp):
    doc = coded(nlp, "Troops captured a stronghold near the Thai border.", "en")
    assert mentions(doc) == []


def test_target_after_on_is_not_a_location(nlp):
    assert where(nlp, "The EU imposed sanctions on Russia in Brussels.", "en", "imposed") == (
        "Brussels", "Brussels", "BEL")
    assert where(nlp, "Russia launched strikes on Kharkiv.", "en", "strikes") == ("Kharkiv", "Kharkiv", "UKR")


def test_place_of_another_clause_is_not_the_events(nlp):
    assert where(nlp, "China said the talks in Geneva had failed.", "en", "said") is None
    assert where(nlp, "China said the talks in Geneva had failed.", "en", "talks") == (
        "Geneva", "Geneva", "CHE")


def test_bad_indices(nlp):
    doc = coded(nlp, "Ils ont manifesté à Paris.", "fr")
    assert event_location(doc, 0, 999) is None
    assert event_location(doc, 3, 0) is None


def test_offsets_survive_text_normalisation(nlp):
    text = ("Titre\n\nLe  président\u00a0chinois se rendra   jeudi en  Corée du Nord, a annoncé "
            "«\u00a0mercredi\u00a0» Pékin.\r\nIl y était allé l’an dernier à Séoul.")
    doc = coded(nlp, text, "fr")
    assert mentions(doc) == [("Corée du Nord", "North Korea", "PRK"), ("Pékin", "Beijing", "CHN"),
                             ("Séoul", "Seoul", "KOR")]
    assert [p.text for p in doc.date_phrases] == ["jeudi", "mercredi", "l’an dernier"]
    for item in [m.location for m in doc.place_mentions] + doc.date_phrases:
        assert doc.text[item.start:item.end] == item.text


def test_cue_files_load():
    from dragoman.places import load_place_cues

    for lang in ("fr", "en"):
        cues = load_place_cues(lang)
        assert cues.labels and cues.travel and cues.site_nouns
        assert set(cues.kinds.values()) >= {"loc", "dest", "weak", "origin"}


def test_missing_user_file(tmp_path):
    with pytest.raises(DataFileError) as err:
        load_gazetteer(extra_files=[tmp_path / "nope.tsv"])
    assert "nope.tsv" in str(err.value)
