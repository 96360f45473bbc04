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


def test_coordination_repair_first_conjunct_parsed_as_subject_of_a_later_verb():
    # The fr md model sometimes makes the first conjunct the subject of the reporting verb beyond
    # the trigger ("Les Pays-Bas et la Belgique se sont mis d'accord ..., a annoncé Bruxelles",
    # "mis" hung as conj of "Pays-Bas"): the repair must still add it to the trigger's subjects.
    from spacy.tokens import Doc

    from dragoman.events.attach import MentionIndex, Participant, repair_coordination
    from dragoman.schema import Actor, ActorMention

    nlp = load_nlp("fr")
    words = ["Les", "Pays-Bas", "et", "la", "Belgique", "se", "sont", "mis", "d'", "accord", ",", "a", "annoncé",
             "Bruxelles", "."]
    heads = [1, 12, 4, 4, 7, 7, 7, 1, 9, 7, 12, 12, 12, 12, 12]
    deps = ["det", "nsubj", "cc", "det", "nsubj", "expl:comp", "aux:tense", "conj", "case", "obl:arg", "punct",
            "aux:tense", "ROOT", "obj", "punct"]
    pos = ["DET", "PROPN", "CCONJ", "DET", "PROPN", "PRON", "AUX", "VERB", "ADP", "NOUN", "PUNCT", "AUX", "VERB",
           "PROPN", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)

    def mention(i, country):
        return ActorMention(Actor(text=words[i], country=country, code=country), 0, i, i + 1, 0, 0, "country")

    nld, bel = mention(1, "NLD"), mention(4, "BEL")
    idx = MentionIndex([nld, bel, mention(13, "BEL")])
    out = repair_coordination([Participant(bel.actor, bel, "nsubj")], idx, doc, doc[7])
    assert [p.actor.country for p in out] == ["BEL", "NLD"]
    assert out[1].via == "coordination-repair"
    # a conjunct that is the subject of a verb before the trigger stays out ("X a dit et Y a signé")
    doc2 = Doc(nlp.vocab, words=["Paris", "a", "protesté", "et", "Berlin", "a", "signé"],
               heads=[2, 2, 2, 6, 6, 6, 2], deps=["nsubj", "aux:tense", "ROOT", "cc", "nsubj", "aux:tense", "conj"],
               pos=["PROPN", "AUX", "VERB", "CCONJ", "PROPN", "AUX", "VERB"])
    fra = ActorMention(Actor(text="Paris", country="FRA", code="FRA"), 0, 0, 1, 0, 0, "capital")
    deu = ActorMention(Actor(text="Berlin", country="DEU", code="DEU"), 0, 4, 5, 0, 0, "capital")
    out2 = repair_coordination([Participant(deu.actor, deu, "nsubj")], MentionIndex([fra, deu]), doc2, doc2[6])
    assert [p.actor.country for p in out2] == ["DEU"]


def test_english_dative_to_is_a_preposition(parse):
    # the English model labels the "to" of "sent X to Y" dative (ADP), not prep
    doc = parse("en", "Norway sent medical supplies to Haiti after the earthquake.")
    assert _tok(doc, "to").dep_ == "dative"
    assert ("to", "Haiti") in {(p, n.text) for p, n in syntax.preps(_tok(doc, "sent"))}


def test_aid_sent_to_a_country_has_that_recipient():
    from dragoman.ingest import document_from_text
    from dragoman.pipeline import Pipeline, PipelineConfig

    doc = next(iter(Pipeline(PipelineConfig(lang="en"))(
        [document_from_text("Germany sent two doctors to Gaza on Monday.", doc_id="t")])))
    aid = [e for e in doc.events if e.type == "AID"]
    assert aid and {r.country for r in aid[0].recipient} == {"PSE"}


def test_object_made_root_under_a_date_is_the_verbs_object():
    # "Les miliciens ont de nouveau rejeté lundi un projet tchadien": the fr md model sometimes makes the
    # object the root of the sentence, hangs the day name on it as "case" and the participle (through its
    # subject) below it; the noun after the date is still the verb's object.
    from spacy.tokens import Doc

    from dragoman.events.attach import _hint_heads

    nlp = load_nlp("fr")
    words = ["Les", "miliciens", "ont", "de", "nouveau", "rejeté", "lundi", "un", "projet", "tchadien", "."]
    heads = [1, 6, 1, 2, 3, 1, 8, 8, 8, 8, 8]
    deps = ["det", "nsubj", "punct", "advmod", "fixed", "acl", "case", "det", "ROOT", "amod", "punct"]
    pos = ["DET", "NOUN", "AUX", "ADP", "ADJ", "VERB", "NOUN", "DET", "NOUN", "ADJ", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    cues = load_event_cues("fr")
    assert [h.text for h, _ in _hint_heads("obj", doc[5], cues, passive=False, rules=[])] == ["projet"]
    # a root noun the verb does not hang under is another clause, not an object
    doc2 = Doc(nlp.vocab, words=["Les", "miliciens", "ont", "rejeté", "lundi", "le", "projet"],
               heads=[1, 3, 3, 3, 3, 6, 6], deps=["det", "nsubj", "aux:tense", "ROOT", "obl:mod", "det", "ROOT"],
               pos=["DET", "NOUN", "AUX", "VERB", "NOUN", "DET", "NOUN"])
    assert _hint_heads("obj", doc2[3], cues, passive=False, rules=[]) == []


@pytest.fixture(scope="module")
def code():
    from dragoman.ingest import document_from_text
    from dragoman.pipeline import Pipeline, PipelineConfig

    pipes = {lang: Pipeline(PipelineConfig(lang=lang)) for lang in ("en", "fr")}

    def run(lang: str, text: str, type_: str):
        doc = next(iter(pipes[lang]([document_from_text(text, doc_id="t")])))
        found = [e for e in doc.events if e.type == type_]
        assert found, [(e.type, e.evidence[0].rule) for e in doc.events]
        return found[0]

    return run


# the participants already on the event are left out of its other roles (keys computed once per event)
@pytest.mark.parametrize("lang,text,reporters", [
    ("en", "The Kremlin said that Russia had attacked Ukrainian troops.", ["RUSGOV"]),
    ("en", "Russia said Russia had attacked Ukrainian troops.", []),
    ("fr", "Le Kremlin a affirmé que la Russie avait attaqué des soldats ukrainiens.", ["RUSGOV"]),
    ("fr", "La Russie a affirmé que la Russie avait attaqué des soldats ukrainiens.", []),
])
def test_reporter_who_is_a_participant_is_not_a_source(code, lang, text, reporters):
    ev = code(lang, text, "ASSAULT")
    assert [a.code for a in ev.reported_by] == reporters
    assert {a.country for a in ev.actor} == {"RUS"} and {a.country for a in ev.recipient} == {"UKR"}


@pytest.mark.parametrize("lang,text,recipient,rule", [
    ("en", "Nigerian soldiers burned houses in Chad.", "TCD", "location-recipient"),
    ("fr", "Les troupes serbes ont bombardé des villages en Bosnie vendredi.", "BIH", "location-recipient"),
    ("en", "Turkey promised to send aid to Syria.", "SYR", "complement-recipient"),
])
def test_recipient_from_place_or_complement(code, lang, text, recipient, rule):
    ev = code(lang, text, "AGREE" if "promised" in text else "ASSAULT")
    assert {a.country for a in ev.recipient} == {recipient} and rule in ev.evidence[0].rule
    assert not {a.country for a in ev.actor} & {recipient}


def _code(text: str, lang: str):
    from dragoman.ingest import document_from_text
    from dragoman.pipeline import Pipeline, PipelineConfig

    return next(iter(Pipeline(PipelineConfig(lang=lang))([document_from_text(text, doc_id="t")])))


def test_subject_swallowed_by_a_fronted_phrase_is_repaired_en(parse):
    # the sm model makes "government" a conjunct of "Hostilities" inside the fronted "Following…"
    # phrase, and "agreed" has no subject: the conjuncts after the comma are its subject
    text = ("Following the adoption of a Protocol of Agreement (PA) on Suspension of Hostilities, the Congolese "
            "government and the M23 have agreed to release prisoners.")
    heads, rule = _subjects(parse, "en", text, "agreed")
    assert heads == ["government", "M23"] and rule == "subject-repair"
    agree = [e for e in _code(text, "en").events if e.type == "AGREE"]
    assert agree and "COD" in {a.country for a in agree[0].actor}


def test_subject_repair_leaves_parsed_subjects_and_noun_phrases_alone(parse):
    # a parsed subject is kept as it is; a fronted phrase's own nouns never become the subject
    heads, rule = _subjects(parse, "en", "After the signing of the accord, the Nepalese government agreed to "
                            "open the roads.", "agreed")
    assert heads == ["government"] and rule == "subject"
    doc = parse("en", "Aid donated to Iraq.")
    assert syntax.lost_subject(_tok(doc, "donated")) == []


def test_verbless_parse_takes_the_root_noun_as_subject_en(parse):
    # "Doctors" parsed as the root and "donated" as a participle of "charities": the lost main verb
    text = "Doctors from two German charities donated and personally delivered medicine to a hospital in Kabul."
    doc = parse("en", text)
    assert syntax.lost_main_verb(_tok(doc, "donated"))
    heads, rule = _subjects(parse, "en", text, "donated")
    assert heads == ["Doctors"] and rule == "subject-repair"
    aid = [e for e in _code(text, "en").events if e.type == "AID"]
    assert aid and {a.country for e in aid for a in e.actor} == {"DEU"}
    # a reduced passive relative keeps its noun as the thing given
    doc = parse("en", "Medicine donated by German charities arrived in Kabul.")
    assert not syntax.lost_main_verb(_tok(doc, "donated"))


def test_subject_swallowed_by_a_fronted_phrase_is_repaired_fr():
    # the same break in a French parse (UD labels): "gouvernement" a conjunct of "protocole"
    from spacy.tokens import Doc

    nlp = load_nlp("fr")
    words = ["Avec", "la", "signature", "du", "protocole", ",", "le", "gouvernement", "et", "les", "rebelles",
             "ont", "accepté", "une", "trêve", "."]
    heads = [2, 2, 12, 4, 2, 7, 7, 4, 10, 10, 7, 12, 12, 14, 12, 12]
    deps = ["case", "det", "obl:mod", "case", "nmod", "punct", "det", "conj", "cc", "det", "conj", "aux:tense",
            "ROOT", "det", "obj", "punct"]
    pos = ["ADP", "DET", "NOUN", "ADP", "NOUN", "PUNCT", "DET", "NOUN", "CCONJ", "DET", "NOUN", "AUX", "VERB",
           "DET", "NOUN", "PUNCT"]
    morphs = [""] * len(words)
    morphs[11] = "Mood=Ind|Number=Plur|Person=3|Tense=Pres|VerbForm=Fin"
    morphs[12] = "Gender=Masc|Number=Sing|Tense=Past|VerbForm=Part"
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos, morphs=morphs,
              sent_starts=[True] + [False] * (len(words) - 1))
    heads_, rule = find_subjects(doc[12], load_event_cues("fr"))
    assert [h.text for h in heads_] == ["gouvernement", "rebelles"] and rule == "subject-repair"
    # without the comma closing the fronted phrase, nothing is guessed
    words2 = words[:5] + words[6:]
    heads2 = [h - (h > 5) for i, h in enumerate(heads) if i != 5]
    doc2 = Doc(nlp.vocab, words=words2, heads=heads2, deps=deps[:5] + deps[6:], pos=pos[:5] + pos[6:],
               morphs=morphs[:5] + morphs[6:], sent_starts=[True] + [False] * (len(words2) - 1))
    assert find_subjects(doc2[11], load_event_cues("fr")) == ([], None)


def test_preposition_whose_object_became_a_subject_keeps_it_en(parse):
    # "to" left without object: the sm model made "officers" the subject of "holed"
    text = ("Chile has granted diplomatic asylum to four Haitian police officers holed up in a diplomatic mission "
            "since last week's coup, the Chilean embassy said on Monday.")
    doc = parse("en", text)
    to = _tok(doc, "to")
    assert not any(c.dep_ == "pobj" for c in to.children)
    assert ("to", "officers") in {(p, n.text) for p, n in syntax.preps(_tok(doc, "granted"))}
    aid = [e for e in _code(text, "en").events if e.type == "AID"]
    assert aid and {r.country for r in aid[0].recipient} == {"HTI"}


def test_asylum_recipient_on_the_a_phrase_fr():
    text = ("Le Chili a accordé l'asile diplomatique à quatre policiers haïtiens réfugiés dans une mission "
            "diplomatique depuis le coup d'État de la semaine dernière.")
    aid = [e for e in _code(text, "fr").events if e.type == "AID"]
    assert aid and {a.country for a in aid[0].actor} == {"CHL"} and {r.country for r in aid[0].recipient} == {"HTI"}


@pytest.mark.parametrize("lang,text,word,subject", [
    ("en", "The Latvian interior minister has been indicted by a court for fraud and will resign.", "resign",
     "minister"),
    ("fr", "Le ministre letton de l'Intérieur a été inculpé par un tribunal pour fraude et va démissionner.",
     "démissionner", "ministre"),
])
def test_active_conjunct_of_a_passive_takes_its_subject(parse, lang, text, word, subject):
    heads, rule = _subjects(parse, lang, text, word)
    assert heads == [subject] and rule.endswith(("conj-shared-subject", "xcomp-subject-control"))


@pytest.mark.parametrize("lang,text,word", [
    ("en", "The Latvian interior minister was arrested by the police and charged with fraud.", "charged"),
    ("fr", "Le ministre letton de l'Intérieur a été arrêté par la police et inculpé de fraude.", "inculpé"),
])
def test_conjunct_sharing_the_passive_gets_no_active_subject(parse, lang, text, word):
    assert _subjects(parse, lang, text, word)[0] == []
