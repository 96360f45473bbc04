"""Actor resolution on hand-written French and English sentences (ActorStage, resolve_phrase)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dragoman.actors import ActorKB, ActorStage, get_kb, resolve_phrase
from dragoman.ingest import document_from_text
from dragoman.nlp import NlpStage

DATA = Path(__file__).resolve().parent / "data"
D2024 = dt.date(2024, 3, 1)


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    """Built-in dictionaries + our own small people file (tests do not depend on people.yaml)."""
    return ActorKB.load(people_file=DATA / "people_sample.yaml")


@pytest.fixture(scope="module")
def nlp_stage():
    return NlpStage()


@pytest.fixture(scope="module")
def run(kb, nlp_stage):
    stage = ActorStage(kb=kb)

    def _run(text: str, lang: str, day: dt.date | None = D2024):
        doc = document_from_text(text, doc_id="t", lang=lang, pub_date=day)
        doc = next(iter(stage(nlp_stage([doc]))))
        assert not doc.errors, doc.errors
        return doc

    return _run


def mentions(doc):
    return [(doc.text[m.start:m.end], m.actor.code, m.kind) for m in doc.actor_mentions]


def by_text(doc):
    return {doc.text[m.start:m.end]: m for m in doc.actor_mentions}


# ---------------------------------------------------------------- composition

@pytest.mark.parametrize(("lang", "phrase", "country", "sector", "code"), [
    ("fr", "le vice-ministre nord-coréen des Affaires étrangères Pak Myong Ho", "PRK", "GOV", "PRKGOV"),
    ("en", "South Korea's foreign ministry", "KOR", "GOV", "KORGOV"),
    ("fr", "les forces russes", "RUS", "MIL", "RUSMIL"),
    ("en", "Chinese President Xi Jinping", "CHN", "GOV", "CHNGOV"),
    ("fr", "le chef de la diplomatie chinoise", "CHN", "GOV", "CHNGOV"),
    ("en", "police in Seoul", "KOR", "COP", "KORCOP"),
    ("fr", "la police à Séoul", "KOR", "COP", "KORCOP"),
    ("en", "a US destroyer", "USA", "MIL", "USAMIL"),
    ("en", "the Russian Orthodox Church", "RUS", "REL", "RUSREL"),
    ("fr", "les soldats israéliens", "ISR", "MIL", "ISRMIL"),
    ("fr", "le responsable du parti au pouvoir", None, "PTY", None),
    ("en", "the national security adviser", None, "GOV", None),
    ("fr", "l'agence officielle nord-coréenne", "PRK", "JRN", "PRKJRN"),
    ("en", "North Korea's state news agency", "PRK", "JRN", "PRKJRN"),
    ("fr", "les médecins sud-coréens", "KOR", "MED", "KORMED"),
    ("en", "Iranian protesters", "IRN", "CVL", "IRNCVL"),
])
def test_composed_phrases(kb, lang, phrase, country, sector, code):
    actor = resolve_phrase(phrase, lang, D2024, kb=kb)
    assert actor is not None
    assert (actor.country, actor.sector, actor.code) == (country, sector, code)


def test_unknown_person_keeps_name_and_office(kb):
    a = resolve_phrase("le vice-ministre nord-coréen des Affaires étrangères Pak Myong Ho", "fr", D2024, kb=kb)
    assert a.name == "Pak Myong Ho"
    assert a.office == "vice-ministre nord-coréen des Affaires étrangères"
    assert "nationality:fr:PRK" in a.entry
    a = resolve_phrase("Japanese Defence Minister Taro Example", "en", D2024, kb=kb)
    assert (a.country, a.sector, a.name) == ("JPN", "GOV", "Taro Example")


def test_bare_role_has_sector_no_country(kb):
    a = resolve_phrase("les manifestants", "fr", kb=kb)
    assert a.country is None and a.sector == "CVL" and a.code is None
    a = resolve_phrase("the rebels", "en", kb=kb)
    assert a.country is None and a.sector == "REB"


@pytest.mark.parametrize(("lang", "phrase", "code"), [
    ("fr", "l'ONU", "IGOUNO"), ("fr", "l'Otan", "IGONATO"), ("fr", "l'OTAN", "IGONATO"),
    ("en", "the Red Cross", "NGOICRC"), ("fr", "le Conseil de sécurité", "IGOUNOSC"),
    ("fr", "l'AIEA", "IGOUNOIAEA"), ("en", "the European Commission", "EURCOM"), ("fr", "l'UE", "EUR"),
    ("fr", "Daech", "IMGISI"), ("en", "al-Qaeda", "IMGAQD"),
])
def test_non_state_codes(kb, lang, phrase, code):
    a = resolve_phrase(phrase, lang, D2024, kb=kb)
    assert a.code == code and a.country is None


def test_armed_group_code_depends_on_date(kb):
    assert resolve_phrase("les talibans", "fr", dt.date(2015, 1, 1), kb=kb).code == "AFGREB"
    assert resolve_phrase("the Taliban", "en", dt.date(2022, 1, 1), kb=kb).code == "AFGGOV"


@pytest.mark.parametrize(("lang", "phrase", "date", "code"), [
    ("en", "the Tamil Tigers", "2000-01-01", "LKAREB"), ("fr", "les Tigres tamouls", "2000-01-01", "LKAREB"),
    ("en", "the Moro Islamic Liberation Front", "2003-01-01", "PHLREB"), ("fr", "le MILF", "2003-01-01", "PHLREB"),
    ("en", "the SPLM/A", "2004-01-01", "SDNREB"), ("en", "the SPLM", "2015-01-01", "SSDPTY"),
    ("fr", "le Front Polisario", "2010-01-01", "ESHREB"), ("en", "the Pakistani Taliban", "2012-01-01", "PAKREB"),
    ("fr", "les FARC", "2005-01-01", "COLREB"), ("en", "the Armed Islamic Group", "1996-01-01", "DZAREB"),
    ("en", "UNITA", "1995-01-01", "AGOREB"), ("fr", "l'Unita", "2010-01-01", "AGOPTY"),
    ("en", "the ILO", "2010-01-01", "IGOUNOILO"), ("fr", "l'Organisation internationale du travail", "2010-01-01", "IGOUNOILO"),
    ("fr", "la Finul", "2010-01-01", "IGOUNOPKO"), ("en", "the Organization of American States", "2010-01-01", "IGOOAS"),
    ("fr", "l'OCI", "2010-01-01", "IGOOIC"), ("en", "Oxfam", "2010-01-01", "NGOOXFAM"),
    ("fr", "la FIDH", "2010-01-01", "NGOFIDH"), ("en", "the UN Children's Fund", "2010-01-01", "IGOUNOCHD"),
])
def test_armed_groups_and_organisations(kb, lang, phrase, date, code):
    assert resolve_phrase(phrase, lang, dt.date.fromisoformat(date), kb=kb).code == code


@pytest.mark.parametrize(("lang", "phrase", "code"), [
    ("fr", "le Kremlin", "RUSGOV"), ("en", "the Pentagon", "USAMIL"), ("fr", "la Maison-Blanche", "USAGOV"),
    ("en", "Downing Street", "GBRGOV"), ("fr", "le Quai d'Orsay", "FRAGOV"), ("en", "Foggy Bottom", "USAGOV"),
    ("fr", "Pékin", "CHNGOV"), ("fr", "Moscou", "RUSGOV"), ("en", "Kiev", "UKRGOV"), ("en", "Kyiv", "UKRGOV"),
    ("en", "Zhongnanhai", "CHNGOV"), ("en", "the Blue House", "KORGOV"), ("fr", "l'Élysée", "FRAGOV"),
])
def test_metonyms(kb, lang, phrase, code):
    assert resolve_phrase(phrase, lang, D2024, kb=kb).code == code


@pytest.mark.parametrize(("lang", "phrase", "country", "sector"), [
    ("en", "Burma", "MMR", None), ("fr", "la Birmanie", "MMR", None), ("fr", "le Zaïre", "COD", None),
    ("en", "Swaziland", "SWZ", None), ("fr", "la Côte d'Ivoire", "CIV", None),
    # plural demonyms are civilians (as in the PLOVER gold records); adjectives carry no sector
    ("fr", "les Nord-Coréens", "PRK", "CVL"), ("fr", "les Britanniques", "GBR", "CVL"), ("en", "Britons", "GBR", "CVL"),
    ("en", "Libyans", "LBY", "CVL"), ("fr", "les nord-coréennes", "PRK", None), ("en", "the Chinese", "CHN", None),
])
def test_countries_and_demonyms(kb, lang, phrase, country, sector):
    a = resolve_phrase(phrase, lang, D2024, kb=kb)
    assert (a.country, a.sector) == (country, sector)


@pytest.mark.parametrize(("lang", "phrase", "code"), [
    # adjectives and names of former states and former names: coded to today's state (USSR -> RUS)
    ("en", "Kampuchean guerrillas", "KHMREB"), ("fr", "la guérilla kampuchéenne", "KHMREB"),
    ("en", "Zairean troops", "CODMIL"), ("fr", "les soldats zaïrois", "CODMIL"),
    ("en", "the Rhodesian army", "ZWEMIL"), ("fr", "l'armée rhodésienne", "ZWEMIL"),
    ("en", "Ceylonese police", "LKACOP"), ("fr", "la police ceylanaise", "LKACOP"),
    ("en", "the Soviet army", "RUSMIL"), ("fr", "les troupes soviétiques", "RUSMIL"),
    ("en", "Yugoslav forces", "SRBMIL"), ("fr", "l'armée yougoslave", "SRBMIL"),
    ("en", "Czechoslovak police", "CZECOP"), ("fr", "la police tchécoslovaque", "CZECOP"),
    ("en", "East German border guards", "DEU"), ("fr", "les autorités est-allemandes", "DEUGOV"),
    ("en", "the West German government", "DEUGOV"), ("fr", "le gouvernement ouest-allemand", "DEUGOV"),
    ("en", "the government of West Germany", "DEUGOV"), ("fr", "le gouvernement de la RFA", "DEUGOV"),
    ("en", "Dahomeyan soldiers", "BENMIL"), ("fr", "les soldats dahoméens", "BENMIL"),
    ("en", "Upper Voltan troops", "BFAMIL"), ("fr", "les troupes voltaïques", "BFAMIL"),
    ("en", "Burmese troops", "MMRMIL"), ("fr", "l'armée birmane", "MMRMIL"),
    ("en", "South Vietnamese forces", "VNMMIL"), ("fr", "les forces sud-vietnamiennes", "VNMMIL"),
    ("en", "Bonn", "DEUGOV"), ("fr", "Rangoun", "MMRGOV"),
])
def test_former_states_and_names(kb, lang, phrase, code):
    a = resolve_phrase(phrase, lang, D2024, kb=kb)
    assert (a.code or "").startswith(code), (phrase, a)


def test_coordinated_nationalities_share_the_noun(run):
    doc = run("US and British forces must ensure security. Chinese, Russian and Iranian diplomats met.", "en")
    got = {doc.text[m.start:m.end]: m.actor.code for m in doc.actor_mentions}
    assert got["US"] == "USAMIL" and got["British forces"] == "GBRMIL"
    assert got["Chinese"] == "CHNGOV" and got["Russian"] == "RUSGOV"
    doc = run("Les forces américaines et britanniques ont riposté. La Chine et la Russie ont protesté.", "fr")
    got = {doc.text[m.start:m.end]: m.actor.code for m in doc.actor_mentions}
    assert got["forces américaines"] == "USAMIL" and got["britanniques"] == "GBRMIL"
    assert got["Chine"] == "CHN" and got["Russie"] == "RUS"


def test_lowercase_words_are_not_acronyms(kb):
    # "us" (pronoun) is not the US; "who" is not the WHO
    assert resolve_phrase("they told us who came", "en", kb=kb) is None
    assert resolve_phrase("the WHO", "en", kb=kb).code == "IGOUNOWHO"


def test_organisation_names_are_not_countries(kb):
    for phrase, code in (("Bank of China", "CHNBUS"), ("Peking University", "CHNEDU"), ("China Daily", "CHNJRN")):
        a = resolve_phrase(phrase, "en", kb=kb)
        assert a.code == code and a.name == phrase


# ---------------------------------------------------------------- people and dates

def test_title_resolves_to_office_holder_at_date(kb):
    a2020 = resolve_phrase("the foreign minister of China", "en", dt.date(2020, 6, 1), kb=kb)
    a2023 = resolve_phrase("the foreign minister of China", "en", dt.date(2023, 3, 1), kb=kb)
    assert (a2020.name, a2020.code) == ("Wang Yi", "CHNGOV")
    assert (a2023.name, a2023.code) == ("Qin Gang", "CHNGOV")
    fr = resolve_phrase("le chef de la diplomatie chinoise", "fr", dt.date(2023, 3, 1), kb=kb)
    assert fr.name == "Qin Gang" and fr.office == "ministre chinois des Affaires étrangères"


def test_person_at_date_and_eli(kb):
    assert resolve_phrase("Angela Merkel", "en", dt.date(2010, 1, 1), kb=kb).code == "DEUGOV"
    after = resolve_phrase("Angela Merkel", "fr", dt.date(2023, 1, 1), kb=kb)
    assert (after.country, after.sector, after.code) == ("DEU", "ELI", "DEUELI")
    annan = resolve_phrase("Kofi Annan", "en", dt.date(2003, 1, 1), kb=kb)
    assert annan.code == "IGOUNO" and annan.country is None and annan.qid == "Q1067"


def test_title_in_text_names_a_past_office(kb):
    # the text's title names the office the person held then: the office, not ELI
    titled = resolve_phrase("Chancellor Angela Merkel", "en", dt.date(2023, 1, 1), kb=kb)
    assert (titled.country, titled.sector) == ("DEU", "GOV")
    assert resolve_phrase("la chancelière Angela Merkel", "fr", dt.date(2023, 1, 1), kb=kb).sector == "GOV"
    # "former" keeps ELI; a title she never held gives no office
    assert resolve_phrase("former president Angela Merkel", "en", dt.date(2023, 1, 1), kb=kb).sector == "ELI"


def test_concurrent_offices_prefer_the_title_in_text(kb):
    # from 2023-07-25 Wang Yi holds a party office and the ministry at once
    a = resolve_phrase("Chinese Foreign Minister Wang Yi", "en", dt.date(2023, 9, 1), kb=kb)
    assert (a.sector, a.office) == ("GOV", "Minister of Foreign Affairs of China")
    a = resolve_phrase("Wang Yi", "en", dt.date(2023, 3, 1), kb=kb)
    assert a.sector == "PTY"


def test_missing_people_file_is_fine(tmp_path):
    kb = ActorKB.load(people_file=tmp_path / "absent.yaml")
    assert kb.people == {}
    assert resolve_phrase("la police à Séoul", "fr", kb=kb).code == "KORCOP"


# ---------------------------------------------------------------- the stage, offsets, coreference

def test_offsets_are_original_text(run):
    doc = run("Le vice-ministre nord-coréen des Affaires étrangères Pak Myong Ho a averti Washington.", "fr")
    m = doc.actor_mentions[0]
    assert doc.text[m.start:m.end] == "vice-ministre nord-coréen des Affaires étrangères Pak Myong Ho"
    assert (m.actor.start, m.actor.end) == (m.start, m.end)
    assert m.actor.code == "PRKGOV" and m.kind == "person"
    span = doc.sentences[m.sentence_index].span.doc[m.token_start:m.token_end]
    assert span.text == doc.text[m.start:m.end]
    assert mentions(doc)[1] == ("Washington", "USAGOV", "capital")


def test_offsets_after_text_normalisation(run):
    # curly apostrophes and non-breaking spaces are normalised for spaCy; offsets stay in the original
    text = "Selon l’agence, les forces\u00a0russes ont tiré. Le Kremlin l’a confirmé."
    doc = run(text, "fr")
    got = {doc.text[m.start:m.end]: m.actor.code for m in doc.actor_mentions}
    assert got["forces\u00a0russes"] == "RUSMIL"
    assert got["Kremlin"] == "RUSGOV"


def test_surname_and_title_coreference_fr(run):
    doc = run("Le dirigeant nord-coréen Kim Jong Un a supervisé le tir. Kim a salué les militaires. "
              "Selon Séoul, le dirigeant nord-coréen était présent.", "fr")
    ms = by_text(doc)
    assert ms["Kim"].actor.name == "Kim Jong-un" and ms["Kim"].kind == "person"
    assert ms["Kim"].actor.code == "PRKGOV"
    last = [m for m in doc.actor_mentions if m.sentence_index == 2 and m.kind == "person"]
    assert last and last[0].actor.name == "Kim Jong-un"


def test_surname_of_unknown_person_en(run):
    doc = run("Chinese foreign ministry spokesman Sun Weidong criticised the plan on Monday. "
              "Sun said Beijing would respond.", "en")
    ms = by_text(doc)
    assert ms["Sun"].actor.name == "Sun Weidong" and ms["Sun"].actor.code == "CHNGOV"
    assert ms["Beijing"].actor.code == "CHNGOV"


def test_generic_title_refers_back_to_person(run):
    doc = run("Foreign Minister Wang Yi arrived in Seoul. The minister met students.", "en", dt.date(2020, 5, 1))
    ms = by_text(doc)
    assert ms["minister"].actor.name == "Wang Yi"
    assert ms["students"].actor.sector == "EDU"


def test_country_pronoun_fr(run):
    doc = run("La Corée du Nord a tiré un missile mardi. Elle a dénoncé les manœuvres de Séoul.", "fr")
    pron = [m for m in doc.actor_mentions if m.kind == "pronoun"]
    assert len(pron) == 1 and pron[0].actor.country == "PRK" and doc.text[pron[0].start:pron[0].end] == "Elle"


def test_country_pronoun_needs_gender_and_subject(run):
    # "il" cannot refer back to "la Corée du Nord"; a non-country subject breaks the chain
    doc = run("La Corée du Nord a tiré un missile. Il a volé 500 kilomètres.", "fr")
    assert not [m for m in doc.actor_mentions if m.kind == "pronoun"]
    doc = run("The minister spoke on Monday. It was raining.", "en")
    assert not [m for m in doc.actor_mentions if m.kind == "pronoun"]


def test_country_pronoun_en(run):
    doc = run("North Korea fired a missile on Tuesday. It said the test was a success.", "en")
    pron = [m for m in doc.actor_mentions if m.kind == "pronoun"]
    assert len(pron) == 1 and pron[0].actor.code == "PRK"


def test_context_short_forms(run):
    doc = run("Séoul a protesté. Le Nord a rejeté la demande du Sud.", "fr")
    ms = by_text(doc)
    assert ms["Nord"].actor.country == "PRK" and ms["Sud"].actor.country == "KOR"
    doc = run("Le Nord de la France a voté.", "fr")  # no Korean context: a region
    assert "Nord" not in by_text(doc)
    doc = run("Washington and Seoul urged the North to return to talks.", "en")
    assert by_text(doc)["North"].actor.country == "PRK"


def test_place_part_is_no_actor(run):
    doc = run("Des navires chinois patrouillent en mer de Chine méridionale.", "fr")
    ms = by_text(doc)
    assert ms["mer de Chine méridionale"].kind == "place-part"
    assert ms["mer de Chine méridionale"].actor.code is None
    assert ms["navires chinois"].actor.code == "CHNMIL" if "navires chinois" in ms else True
    doc = run("China sent ships to the South China Sea.", "en")
    assert by_text(doc)["South China Sea"].kind == "place-part"


def test_locative_country_is_a_place(run):
    doc = run("Les pourparlers ont eu lieu en Chine.", "fr")
    assert by_text(doc)["Chine"].kind == "place"


def test_user_dictionary_extends_and_overrides(kb, nlp_stage):
    stage = ActorStage(extra_files=[DATA / "actors_user.csv"])
    doc = document_from_text("The Acme Liberation Front attacked. The White House and Jane Doe reacted.",
                             doc_id="u", lang="en", pub_date=dt.date(2021, 1, 1))
    doc = next(iter(stage(nlp_stage([doc]))))
    ms = by_text(doc)
    assert ms["Acme Liberation Front"].actor.code == "CODREB"
    assert ms["Acme Liberation Front"].actor.entry == "user:acme-front"
    assert ms["White House"].actor.code == "USALEG"  # the user's entry wins over the built-in seat
    assert ms["Jane Doe"].actor.code == "FRAGOV"
    assert ms["Jane Doe"].actor.office == "Foreign minister of France"


def test_failed_document_is_left_alone(kb):
    from dragoman.schema import Document, StageError

    doc = Document(id="x", text="La Chine.")
    doc.errors.append(StageError("nlp", "E200", "boom"))
    out = next(iter(ActorStage(kb=kb)([doc])))
    assert out.actor_mentions == []


def test_get_kb_is_cached():
    assert get_kb() is get_kb()


def test_apposition_codes_unknown_person(run):
    doc = run("Wang Wenbin, a Chinese foreign ministry spokesman, said Beijing disagreed. "
              "Jean Dupont, Russia and Iran were named.", "en")
    ms = by_text(doc)
    m = ms["Wang Wenbin, a Chinese foreign ministry spokesman"]
    assert (m.actor.name, m.actor.code, m.kind) == ("Wang Wenbin", "CHNGOV", "person")
    assert ms["Jean Dupont"].actor.country is None  # a list of names is no apposition
    assert ms["Russia"].actor.code == "RUS"
    doc = run("Jean Dupont, un diplomate français, a réagi.", "fr")
    m = by_text(doc)["Jean Dupont, un diplomate français"]
    assert (m.actor.name, m.actor.code) == ("Jean Dupont", "FRAGOV")


def test_masculine_country_pronoun_fr(run):
    doc = run("Le Japon a protesté lundi. Il a promis de répondre. Elle a refusé.", "fr")
    pron = [(doc.text[m.start:m.end], m.actor.code) for m in doc.actor_mentions if m.kind == "pronoun"]
    assert pron == [("Il", "JPN")]


def test_role_words_used_as_adjectives_are_no_actors(kb):
    assert resolve_phrase("des exercices militaires", "fr", kb=kb) is None
    assert resolve_phrase("joint military drills", "en", kb=kb) is None
    assert resolve_phrase("the US military", "en", kb=kb).code == "USAMIL"
    assert resolve_phrase("les militaires russes", "fr", kb=kb).code == "RUSMIL"


def test_organisation_office_in_apposition(run):
    doc = run("Le secrétaire général de l'ONU, Kofi Annan, a appelé au calme.", "fr", dt.date(2003, 1, 1))
    m = by_text(doc)["secrétaire général de l'ONU, Kofi Annan"]
    assert (m.actor.name, m.actor.code, m.kind) == ("Kofi Annan", "IGOUNO", "person")


def test_un_code_is_normalised(tmp_path):
    people = tmp_path / "p.yaml"
    people.write_text("version: 1\npeople:\n  - id: un-chief\n    country: null\n    code: UNO\n"
                      "    names: {en: [Ann Example]}\n    offices:\n"
                      "      - {office: Secretary-General, role: secretary_general, sector: GOV, code: UNO, from: 2020}\n",
                      encoding="utf-8")
    kb = ActorKB.load(people_file=people)
    assert resolve_phrase("Ann Example", "en", dt.date(2021, 1, 1), kb=kb).code == "IGOUNO"
    assert resolve_phrase("the UN secretary-general", "en", dt.date(2021, 1, 1), kb=kb).name == "Ann Example"


def test_capitals_of_every_word_of_a_name(kb):
    assert resolve_phrase("La réunion aura lieu lundi.", "fr", kb=kb) is None  # not the island
    assert resolve_phrase("La Réunion a voté.", "fr", kb=kb).country == "REU"
    assert resolve_phrase("a white house", "en", kb=kb) is None
    assert resolve_phrase("the White House", "en", kb=kb).code == "USAGOV"


def test_surname_alone_needs_a_name_like_token(tmp_path):
    people = tmp_path / "p.yaml"
    people.write_text("version: 1\npeople:\n  - id: theresa-may\n    country: GBR\n"
                      "    names: {en: [Theresa May]}\n    surnames: {en: [May]}\n    offices:\n"
                      "      - {office: Prime Minister, role: head_of_government, sector: GOV, from: 2016-07-13, to: 2019-07-24}\n",
                      encoding="utf-8")
    kb = ActorKB.load(people_file=people)
    assert resolve_phrase("The talks resumed in May.", "en", dt.date(2018, 1, 1), kb=kb) is None
    assert resolve_phrase("Prime Minister Theresa May said no.", "en", dt.date(2018, 1, 1), kb=kb).code == "GBRGOV"


def test_country_names_inside_person_names_and_honorifics(run):
    doc = run("Monsieur Jean Lewis et Dominique Dos Santos ont parlé.", "fr")
    got = {m.actor.name: m.actor.country for m in doc.actor_mentions}
    assert got == {"Jean Lewis": None, "Dominique Dos Santos": None}  # Dominique is also Dominica


def test_stray_portfolio_is_nothing(kb):
    a = resolve_phrase("la politique de la défense tchadienne", "fr", kb=kb)
    assert a.text == "tchadienne" and a.sector is None
    assert resolve_phrase("le ministre de la défense tchadienne", "fr", kb=kb).code == "TCDGOV"


def test_international_labour_organization(kb):
    # the ILO in both languages, and its French acronym only in capitals ("bit" is a word)
    for phrase, lang in (("Bureau international du travail", "fr"), ("Organisation internationale du travail", "fr"),
                         ("BIT", "fr"), ("International Labour Organization", "en"), ("ILO", "en")):
        assert resolve_phrase(phrase, lang, kb=kb).code == "IGOUNOILO", phrase
    got = resolve_phrase("bit", "fr", kb=kb)
    assert got is None or got.code != "IGOUNOILO"


def test_northern_ireland_is_the_united_kingdom(kb):
    # not the Republic of Ireland ("d'Irlande du Nord" used to resolve on "Irlande" alone)
    assert resolve_phrase("Irlande du Nord", "fr", kb=kb).country == "GBR"
    assert resolve_phrase("Northern Ireland", "en", kb=kb).country == "GBR"
    assert resolve_phrase("Irlande", "fr", kb=kb).country == "IRL"


def test_an_article_alone_does_not_join_a_place_to_a_title(run):
    # "a reçu à Dakar le Premier ministre malien": the capital is where, the title with its own
    # nationality is the guest; "le" links nothing (unlike "de", "du", "de la")
    found = by_text(run("Le président sénégalais a reçu mardi à Dakar le Premier ministre malien.", "fr"))
    assert "Dakar" in found and found["Premier ministre malien"].actor.country == "MLI"


@pytest.mark.parametrize(("lang", "text", "word", "code"), [
    # a people living across borders is placed by the country or nationality next to it
    ("en", "Bosnian Serbs blocked the road to the enclave on Tuesday.", "Serbs", "BIHCVL"),
    ("en", "Kosovo Albanians marched through Pristina.", "Albanians", "XKXCVL"),
    ("en", "Croatian Serb forces shelled the town.", "forces", "HRVMIL"),
    ("en", "Iraqi Kurds fled towards the mountains.", "Kurds", "IRQCVL"),
    ("fr", "Les Serbes de Bosnie ont bloqué la route de l'enclave mardi.", "Serbes", "BIHCVL"),
    ("fr", "Les Albanais du Kosovo ont défilé à Pristina.", "Albanais", "XKXCVL"),
    ("fr", "Les Kurdes irakiens ont fui vers les montagnes.", "Kurdes", "IRQCVL"),
    # a citizenship demonym is not an ethnonym: "Turkish Cypriots" stay two mentions
    ("en", "Turkish Cypriots voted on the plan.", "Cypriots", "CYPCVL"),
])
def test_peoples_placed_by_their_country(run, lang, text, word, code):
    found = [m for m in run(text, lang).actor_mentions if word in m.actor.text]
    assert found and found[0].actor.code == code, [(m.actor.text, m.actor.code) for m in found]


@pytest.mark.parametrize(("lang", "text", "word", "code"), [
    # an organisation no dictionary knows, named by a generic head noun (data/<lang>/org_heads.tsv)
    ("en", "The Global Clean Water Forum urged the government to free the journalists.", "Forum", "NGO"),
    ("en", "Members of the Federation of Sahel Farmers met the minister.", "Federation", "NGO"),
    ("fr", "La Fédération des agriculteurs du Sahel a rencontré le ministre.", "Fédération", "NGO"),
    ("fr", "Le Comité de suivi de l'accord de paix a dénoncé les violations.", "Comité", "NGO"),
    # a country in the name: that country, and GOV for a state body
    ("en", "The Ghana Anti-Corruption Commission questioned the minister.", "Commission", "GHAGOV"),
    ("fr", "La Commission ghanéenne de lutte contre la corruption a interrogé le ministre.", "Commission", "GHAGOV"),
    # known role words compose as before
    ("en", "The Turkish National Security Council met on Monday.", "Council", "TURGOV"),
])
def test_unknown_organisations_by_head_noun(run, lang, text, word, code):
    found = [m for m in run(text, lang).actor_mentions if word in m.actor.text]
    assert found and found[0].actor.code == code, [(m.actor.text, m.actor.code) for m in found]


def _two_bushes(tmp_path):
    people = tmp_path / "p.yaml"
    office = "      - {{office: President, role: head_of_state, sector: GOV, from: {}, to: {}}}\n"
    people.write_text(
        "version: 1\npeople:\n"
        "  - id: elder\n    country: USA\n    names: {en: [George Elder Bush, George Bush]}\n    surnames: {en: [Bush]}\n"
        "    offices:\n" + office.format("1989-01-20", "1993-01-20")
        + "  - id: younger\n    country: USA\n    names: {en: [George Younger Bush, George Bush]}\n    surnames: {en: [Bush]}\n"
        "    offices:\n" + office.format("2001-01-20", "2009-01-20")
        + "  - id: pierre-roux\n    country: FRA\n    names: {en: [Pierre Roux]}\n    surnames: {en: [Roux]}\n"
        "    offices:\n" + office.format("1981-05-21", "1995-05-17")
        + "  - id: jean-roux\n    country: BEL\n    names: {en: [Jean Roux]}\n    surnames: {en: [Roux]}\n"
        "    offices:\n" + office.format("2001-01-01", "2005-01-01"),
        encoding="utf-8")
    return ActorKB.load(people_file=people)


def test_shared_names_are_told_apart_by_the_date(tmp_path, nlp_stage):
    kb = _two_bushes(tmp_path)
    stage = ActorStage(kb=kb)

    def person(text, day):
        doc = next(iter(stage(nlp_stage([document_from_text(text, doc_id="t", lang="en", pub_date=day)]))))
        # dictionary people only (an unknown "Roux" stays a name without an entry)
        return [e for m in doc.actor_mentions if m.kind == "person"
                for e in (m.actor.entry or "").split("+") if e.startswith("person:")]

    assert person("George Bush met the Pope.", dt.date(1990, 5, 1)) == ["person:elder"]
    assert person("George Bush met the Pope.", dt.date(2005, 5, 1)) == ["person:younger"]
    # a surname alone: the bearer in office that day; between terms, the last one (same country)
    assert person("The Pope met Bush on Monday.", dt.date(1990, 5, 1)) == ["person:elder"]
    assert person("The Pope met Bush on Monday.", dt.date(2005, 5, 1)) == ["person:younger"]
    assert person("The Pope met Bush on Monday.", dt.date(1999, 5, 1)) == ["person:elder"]
    # bearers of two countries, none in office: no guess
    assert person("The Pope met Roux on Monday.", dt.date(1998, 5, 1)) == []
    assert person("The Pope met Roux on Monday.", dt.date(1990, 5, 1)) == ["person:pierre-roux"]


# ---------------------------------------------------------------- surnames alone

_SURNAME_PEOPLE = """version: 1
people:
  - id: chilean-lagos
    country: CHL
    names: {en: [Ricardo Lagos], fr: [Ricardo Lagos]}
    surnames: {en: [Lagos], fr: [Lagos]}
    offices:
      - {office: President of Chile, role: head_of_state, sector: GOV, from: 2000-03-11, to: 2006-03-11}
  - id: colombian-santos
    country: COL
    names: {en: [Juan Manuel Santos], fr: [Juan Manuel Santos]}
    surnames: {en: [Santos], fr: [Santos]}
    offices:
      - {office: President of Colombia, role: head_of_state, sector: GOV, from: 2010-08-07, to: 2018-08-07}
"""


@pytest.fixture(scope="module")
def surname_run(tmp_path_factory, nlp_stage):
    path = tmp_path_factory.mktemp("people") / "p.yaml"
    path.write_text(_SURNAME_PEOPLE, encoding="utf-8")
    stage = ActorStage(kb=ActorKB.load(people_file=path))

    def _run(text: str, lang: str, day: dt.date = dt.date(2004, 5, 1)):
        doc = next(iter(stage(nlp_stage([document_from_text(text, doc_id="t", lang=lang, pub_date=day)]))))
        return [(m.actor.text, m.actor.name, m.actor.country, m.actor.entry or "") for m in doc.actor_mentions
                if m.kind == "person"]

    return _run


@pytest.mark.parametrize(("lang", "text"), [
    # a known surname alone after a locative, tagged as a place, or naming a large city is the place
    ("en", "Thousands attended a rally in Lagos on Saturday."),
    ("en", "Lagos was paralysed by a general strike."),
    ("en", "Fuel queues stretched for miles near Lagos."),
    ("fr", "Des milliers de personnes ont manifesté à Lagos samedi."),
    ("fr", "Une grève générale a paralysé Lagos."),
    ("fr", "La police de Lagos a dispersé les manifestants."),
])
def test_surname_that_is_a_place_is_not_the_person(surname_run, lang, text):
    assert not [p for p in surname_run(text, lang) if "chilean-lagos" in p[3]], surname_run(text, lang)


@pytest.mark.parametrize(("lang", "text", "mention"), [
    # a title, a first name or an earlier full mention makes the word a person again
    ("en", "President Lagos met the envoy in Santiago.", "President Lagos"),
    ("en", "Yesterday R. Lagos met the envoy in Santiago.", "R. Lagos"),
    ("fr", "Le président chilien Lagos a reçu l'envoyé à Santiago.", "président chilien Lagos"),
    ("fr", "Ricardo Lagos a reçu l'envoyé. Lagos a ensuite déclaré que l'accord tenait.", "Lagos"),
])
def test_surname_made_a_person_by_title_or_first_name(surname_run, lang, text, mention):
    got = {p[0]: p for p in surname_run(text, lang)}
    assert mention in got and got[mention][2] == "CHL", got


def test_surname_met_earlier_is_still_a_place_after_a_locative(surname_run):
    got = surname_run("Ricardo Lagos flew to Nigeria on Monday. He then spoke at a rally in Lagos.", "en")
    assert [p[0] for p in got] == ["Ricardo Lagos"], got


@pytest.mark.parametrize(("lang", "text", "name", "country"), [
    # name parts that contradict the bearer's full name ("dos", "José Eduardo") make another person
    ("en", "President dos Santos met the envoy.", "dos Santos", None),
    ("en", "Angolan President Jose Eduardo dos Santos met the envoy.", "Jose Eduardo dos Santos", "AGO"),
    ("fr", "Le président dos Santos a rencontré le Premier ministre.", "dos Santos", None),
    ("fr", "Le président angolais José Eduardo dos Santos a reçu l'envoyé.", "José Eduardo dos Santos", "AGO"),
])
def test_contradicting_name_parts_do_not_resolve(surname_run, lang, text, name, country):
    got = surname_run(text, lang, dt.date(2012, 5, 1))
    assert [(p[1], p[2]) for p in got] == [(name, country)], got
    assert not any("colombian-santos" in p[3] for p in got)


@pytest.mark.parametrize(("lang", "text"), [
    # parts that fit the bearer's name (first name, initial, a middle name after the first name)
    # and a French "de" that is a preposition, not a particle
    ("en", "President Juan Santos met the envoy."),
    ("en", "President J. M. Santos met the envoy."),
    ("fr", "Les partisans de Santos ont manifesté."),
    ("fr", "Le président Santos a signé l'accord."),
])
def test_name_parts_that_fit_still_resolve(surname_run, lang, text):
    got = surname_run(text, lang, dt.date(2012, 5, 1))
    assert any("colombian-santos" in p[3] and p[2] == "COL" for p in got), got


def test_earlier_mention_with_other_name_parts_is_not_a_reference(surname_run):
    got = surname_run("Juan Manuel Santos met the envoy. Later, José Eduardo dos Santos spoke.", "en",
                      dt.date(2012, 5, 1))
    assert [(p[1], p[2]) for p in got] == [("Juan Manuel Santos", "COL"), ("José Eduardo dos Santos", None)], got


_COUNTRY_SURNAMES = """version: 1
people:
  - id: pm-montenegro
    country: PRT
    names: [Luis Montenegro, Luís Montenegro]
    surnames: [Montenegro]
    offices:
      - {office: Prime Minister of Portugal, role: head_of_government, sector: GOV, from: 2024-04-02, to: null}
  - id: rights-chief
    country: AUT
    names: [Volker Türk, Volker Turk]
    surnames: [Türk, Turk]
    offices:
      - {office: High Commissioner for Human Rights, role: other, sector: GOV, code: IGOUNO, from: 2022-10-17, to: null}
"""


@pytest.fixture(scope="module")
def country_surname_run(tmp_path_factory, nlp_stage):
    path = tmp_path_factory.mktemp("people") / "p.yaml"
    path.write_text(_COUNTRY_SURNAMES, encoding="utf-8")
    stage = ActorStage(kb=ActorKB.load(people_file=path))

    def _run(text: str, lang: str):
        doc = document_from_text(text, doc_id="t", lang=lang, pub_date=dt.date(2024, 6, 1))
        doc = next(iter(stage(nlp_stage([doc]))))
        return [(m.start, m.end, m.actor.code) for m in doc.actor_mentions]

    return _run


@pytest.mark.parametrize(("lang", "text", "word", "nth", "code"), [
    # a surname spelt like a country or demonym names the person after a title or honorific ...
    ("en", "Prime Minister Montenegro met the envoy in Lisbon.", "Montenegro", 0, "PRTGOV"),
    ("fr", "Le Premier ministre Montenegro a reçu l'envoyé à Lisbonne.", "Montenegro", 0, "PRTGOV"),
    ("en", "Mr Turk condemned the strikes.", "Turk", 0, "IGOUNO"),
    ("fr", "Monsieur Türk a condamné les frappes.", "Türk", 0, "IGOUNO"),
    # ... or as a subject once the document has named the person
    ("en", "Luis Montenegro met the envoy. Montenegro said the deal held.", "Montenegro", 1, "PRTGOV"),
    ("fr", "Luis Montenegro a reçu l'envoyé. Montenegro a déclaré que l'accord tenait.", "Montenegro", 1, "PRTGOV"),
    # the country stays the country
    ("en", "Montenegro joined NATO in 2017.", "Montenegro", 0, "MNE"),
    ("fr", "Le Monténégro a rejoint l'OTAN en 2017.", "Monténégro", 0, "MNE"),
    ("en", "Luis Montenegro flew to Podgorica. He praised Montenegro for its reforms.", "Montenegro", 1, "MNE"),
])
def test_surname_spelt_like_a_country(country_surname_run, lang, text, word, nth, code):
    at = -1
    for _ in range(nth + 1):
        at = text.index(word, at + 1)
    got = country_surname_run(text, lang)
    assert [c for s, e, c in got if s <= at < e] == [code], got


def test_people_file_surnames_that_are_places_stay_places_after_a_locative(nlp_stage):
    """Every surname of people.yaml that names a large place or a country (see
    ``scripts/check_people.py --risky``) is the place after a locative, in both languages."""
    from dragoman.actors.resolve import large_place

    kb = get_kb()
    countryish = {" ".join(e.names.get("en", [])[:1]) for e in kb.countries.values()}
    risky = sorted({s for sur in kb.surnames_of.values() for s in sur if large_place(s) or s in countryish})
    assert "Lagos" in risky and "Montenegro" in risky
    stage = ActorStage()
    texts = [(f"Thousands marched in {s} on Monday.", "en") for s in risky] + [
        (f"Des milliers de personnes ont défilé à {s} lundi.", "fr") for s in risky]
    for text, lang in texts:
        doc = next(iter(stage(nlp_stage([document_from_text(text, doc_id="t", lang=lang, pub_date=D2024)]))))
        people = [m.actor.entry for m in doc.actor_mentions if "person:" in (m.actor.entry or "")]
        assert not people, (text, people)
