"""End-to-end event coding with the real pipeline (all stages), French and English."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dragoman import __version__
from dragoman.ingest import read_inputs
from dragoman.pipeline import Pipeline, PipelineConfig

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def pipe():
    return Pipeline(PipelineConfig())


def _countries(actors):
    return {a.country or a.code for a in actors}


def _events(pipe, text, lang, **kw):
    doc = pipe.code_text(text, lang=lang, **kw)
    assert not doc.errors, doc.errors
    return doc


def _one(doc, type_):
    found = [e for e in doc.events if e.type == type_]
    assert found, f"no {type_} in {[(e.type, e.evidence[0].trigger.text) for e in doc.events]}"
    return found[0]


def test_coordination_repair_fr(pipe):
    # the French parser leaves "Washington" outside the subject: the repair adds it back
    doc = _events(pipe, "Washington et Séoul ont exhorté Pékin à user de son influence.", "fr")
    ev = _one(doc, "REQUEST")
    assert _countries(ev.actor) == {"USA", "KOR"}
    assert _countries(ev.recipient) == {"CHN"}
    assert "coordination-repair" in ev.evidence[0].rule


def test_xcomp_chain_en(pipe):
    doc = _events(pipe, "Washington and Seoul urged Beijing to use its influence to persuade Pyongyang.", "en")
    ev = _one(doc, "REQUEST")
    assert _countries(ev.actor) == {"USA", "KOR"}
    assert _countries(ev.recipient) == {"CHN"}


@pytest.mark.parametrize("lang,text", [
    ("en", "Ukrainian soldiers were attacked by Russian troops."),
    ("fr", "Des soldats ukrainiens ont été attaqués par des troupes russes."),
])
def test_passive_agent_is_actor(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "ASSAULT")
    assert _countries(ev.actor) == {"RUS"} and _countries(ev.recipient) == {"UKR"}
    assert "passive-agent" in ev.evidence[0].rule


@pytest.mark.parametrize("lang,text", [
    ("en", "The Kremlin said that Ukrainian forces attacked Russian troops."),
    ("fr", "Le Kremlin a affirmé que les forces ukrainiennes avaient attaqué des soldats russes."),
])
def test_reported_speech_codes_the_reported_event(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "ASSAULT")
    assert _countries(ev.actor) == {"UKR"} and _countries(ev.recipient) == {"RUS"}
    assert [a.code for a in ev.reported_by] == ["RUSGOV"]


@pytest.mark.parametrize("lang,text,actor,recipient", [
    ("fr", "La visite de Wang Yi en Corée du Nord a été reportée.", "CHN", "PRK"),
    ("en", "Putin's trip to China ended on Friday.", "RUS", "CHN"),
    ("fr", "Des frappes israéliennes sur Gaza ont tué dix personnes.", "ISR", "PSE"),
    ("en", "Israeli strikes on Gaza killed ten people.", "ISR", "PSE"),
])
def test_nominal_events(pipe, lang, text, actor, recipient):
    doc = _events(pipe, text, lang)
    assert any(actor in _countries(e.actor) and recipient in _countries(e.recipient) for e in doc.events), \
        [(e.type, _countries(e.actor), _countries(e.recipient)) for e in doc.events]


@pytest.mark.parametrize("lang,text", [
    ("fr", "La police française a procédé à des arrestations."),
    ("en", "French police carried out arrests."),
])
def test_support_verb_subject_is_actor(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "COERCE")
    assert [a.code for a in ev.actor] == ["FRACOP"]


def test_relative_clause_and_passive_en(pipe):
    doc = _events(pipe, "The rebels, who attacked the town, were arrested by Malian soldiers.", "en")
    arrest = _one(doc, "COERCE")
    assert _countries(arrest.actor) == {"MLI"}
    assault = _one(doc, "ASSAULT")
    assert "relcl" in assault.evidence[0].rule


def test_status_planned_with_destination(pipe):
    doc = _events(pipe, "Le ministre chinois des Affaires étrangères se rendra en Corée du Nord la semaine "
                        "prochaine.", "fr", pub_date=date(2026, 11, 25))
    ev = _one(doc, "CONSULT")
    assert ev.status == "planned" and ev.mode == "visit"
    assert _countries(ev.actor) == {"CHN"} and _countries(ev.recipient) == {"PRK"}
    assert ev.date is not None and ev.date > "2026-11-25"


def test_hypothetical_and_negated(pipe):
    doc = _events(pipe, "Japan's prime minister said Tokyo could impose new sanctions on Russian banks.", "en")
    ev = _one(doc, "SANCTION")
    assert ev.status == "hypothetical" and _countries(ev.actor) == {"JPN"}
    doc = _events(pipe, "Le président sud-coréen n'a pas rencontré son homologue russe.", "fr")
    assert _one(doc, "CONSULT").status == "negated"


def test_date_place_and_evidence_offsets(pipe):
    text = "Russian President Vladimir Putin met North Korean leader Kim Jong Un in Vladivostok on Thursday."
    doc = _events(pipe, text, "en", pub_date=date(2026, 11, 27))
    ev = _one(doc, "CONSULT")
    assert ev.date == "2026-11-26" and ev.date_precision == "day"
    assert ev.location is not None and ev.location.country == "RUS"
    trig = ev.evidence[0].trigger
    assert doc.text[trig.start:trig.end] == trig.text == "met"
    assert ev.version == __version__ and ev.lang == "en" and len(ev.event_id) == 16


def test_title_and_body_merge(pipe):
    text = ("Seoul summons Russian ambassador\n\n"
            "Seoul summoned the Russian ambassador on Friday. The ministry did not comment.")
    doc = _events(pipe, text, "en", pub_date=date(2026, 11, 27))
    summons = [e for e in doc.events if "summon" in e.evidence[0].trigger.text.lower()]
    assert len(summons) == 1
    assert {e.sentence_index for e in summons[0].evidence} == {0, 1}


def test_no_events_from_page_furniture(pipe):
    doc = _events(pipe, "Partager sur Facebook Partager sur X\n\nLaisser un commentaire", "fr")
    assert doc.events == []
    assert {t["outcome"] for t in doc.trace} == {"page furniture"}


def test_trace_explains_silence(pipe):
    doc = _events(pipe, "The weather was mild in Paris on Sunday.", "en")
    assert doc.events == []
    assert doc.trace and doc.trace[0]["outcome"] == "no trigger in sentence"


def _doc(path: Path, pub: date | None = None):
    pipe = Pipeline(PipelineConfig(pub_date=pub))
    docs = list(pipe(read_inputs([path])))
    assert len(docs) == 1 and not docs[0].errors, docs[0].errors
    return docs[0]


def _has(doc, type_, actors, recipients=None, status=None):
    for e in doc.events:
        if e.type != type_ or not set(actors) <= _countries(e.actor):
            continue
        if recipients is not None and not set(recipients) <= _countries(e.recipient):
            continue
        if status is not None and e.status != status:
            continue
        return True
    return False


@pytest.mark.slow
def test_example_fr_coree_visite():
    doc = _doc(EXAMPLES / "fr_coree_visite.txt", date(2026, 11, 26))
    assert _has(doc, "CONSULT", {"CHN"}, {"PRK"}, status="planned")  # se rendra en Corée du Nord
    assert _has(doc, "REQUEST", {"USA", "KOR"}, {"CHN"})  # ont exhorté Pékin
    assert any(e.type in ("ASSAULT", "MOBILIZE", "THREATEN") and "PRK" in _countries(e.actor)
               for e in doc.events)  # a tiré deux missiles
    assert _has(doc, "ACCUSE", {"KOR"}, {"PRK"})  # Séoul a condamné
    assert _has(doc, "REJECT", {"KOR"}, {"PRK"})  # a rejeté la proposition de Pyongyang
    furniture = doc.text.index("Partager sur Facebook")
    assert all(ev.start < furniture for e in doc.events for ev in e.evidence)


@pytest.mark.slow
def test_example_en_summit():
    doc = _doc(EXAMPLES / "en_summit.html")
    meeting = [e for e in doc.events if e.type == "CONSULT" and {"RUS", "PRK"} <= _countries(e.actor + e.recipient)
               and any(ev.trigger.text.lower().startswith("me") for ev in e.evidence)]
    assert len(meeting) == 1 and len(meeting[0].evidence) >= 2  # headline + body, one event
    assert any(e.type in ("ASSAULT", "MOBILIZE", "THREATEN") and "PRK" in _countries(e.actor) for e in doc.events)
    assert any(e.type in ("AGREE", "SUPPORT", "COOPERATE") and {"RUS", "PRK"} <= _countries(e.actor)
               for e in doc.events)  # the two leaders signed an agreement
    assert any(e.type in ("PROTEST", "ACCUSE") and _countries(e.actor) == {"KOR"} and "RUS" in _countries(e.recipient)
               for e in doc.events)
    assert _has(doc, "REQUEST", {"KOR"}, {"RUS"})
    assert any(e.type in ("CONSULT", "ACCUSE") and _countries(e.actor) == {"KOR"} and "RUS" in _countries(e.recipient)
               and any("summon" in v.trigger.text for v in e.evidence) for e in doc.events)
    assert _has(doc, "SANCTION", {"JPN"}, {"RUS"}, status="hypothetical")
    arrest = [e for e in doc.events if e.type == "COERCE" and e.mode == "arrest"]
    assert arrest and [a.code for a in arrest[0].actor] == ["KORCOP"]
    assert arrest[0].recipient and arrest[0].recipient[0].sector == "CVL"
    for e in doc.events:  # nothing from the menu, related stories or the comment form
        for ev in e.evidence:
            assert "Related" not in ev.sentence and "Reply" not in ev.sentence and "Taiwan" not in ev.sentence


def test_pronoun_subject_takes_the_speaker(pipe):
    doc = _events(pipe, "Switzerland said today it had expelled two Russian diplomats.", "en")
    ev = _one(doc, "SANCTION") if any(e.type == "SANCTION" for e in doc.events) else _one(doc, "COERCE")
    assert _countries(ev.actor) == {"CHE"} and _countries(ev.recipient) == {"RUS"}
    assert "pronoun" in ev.evidence[0].rule


@pytest.mark.parametrize("lang,text", [
    ("en", "Russia said on Tuesday that Sudan must return the helicopter."),
    ("fr", "Moscou a affirmé que Kiev devait retirer ses troupes."),
])
def test_reported_obligation_is_a_request(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "REQUEST")
    assert len(_countries(ev.actor)) == 1 and _countries(ev.recipient) and \
        not (_countries(ev.actor) & _countries(ev.recipient))


def test_demand_that_clause_subject_is_recipient(pipe):
    ev = _one(_events(pipe, "The United States demanded that North Korea abandon its nuclear program.", "en"),
              "REQUEST")
    assert _countries(ev.actor) == {"USA"} and _countries(ev.recipient) == {"PRK"}


def test_conditional_sanction_is_also_a_threat(pipe):
    doc = _events(pipe, "Tokyo could impose new sanctions on Russian banks if the cooperation continues.", "en")
    assert _one(doc, "SANCTION").status == "hypothetical"
    threat = _one(doc, "THREATEN")
    assert threat.status == "occurred" and _countries(threat.actor) == {"JPN"}
    assert "RUS" in _countries(threat.recipient)


def test_offer_takes_the_complement_recipient(pipe):
    ev = _one(_events(pipe, "Libya has offered to hand over two suspects to Great Britain.", "en"), "AGREE")
    assert _countries(ev.actor) == {"LBY"} and _countries(ev.recipient) == {"GBR"}


def test_pronominal_verb_is_not_passive(pipe):
    # "se sont mis d'accord" takes être and Voice=Pass, but its subject is the actor
    doc = _events(pipe, "Les États-Unis et la Jordanie se sont mis d'accord sur un nouveau pacte.", "fr")
    ev = _one(doc, "AGREE")
    assert _countries(ev.actor) == {"USA", "JOR"}


# --- agentivity of material conflict (dragoman.events.agentivity)

def _material(doc):
    return [e for e in doc.events if e.type in ("ASSAULT", "COERCE") and e.status == "occurred"]


@pytest.mark.parametrize("text,lang", [
    ("Un incendie s'est déclaré dans l'entrepôt. Plusieurs maisons ont été détruites par les flammes.", "fr"),
    ("Une fuite de gaz a fait exploser la chaudière de l'immeuble.", "fr"),
    ("Flood waters hit the town and several bridges were destroyed.", "en"),
])
def test_natural_causes_give_no_attack(pipe, text, lang):
    doc = _events(pipe, text, lang)
    assert not _material(doc), [(e.type, e.evidence[0].trigger.text) for e in doc.events]
    assert any(n.get("outcome") == "no agent that can act" for n in doc.trace)


def test_bombing_by_armed_men_is_assault(pipe):
    doc = _events(pipe, "Des hommes armés ont fait exploser une voiture piégée devant la caserne.", "fr")
    assert _one(doc, "ASSAULT").status == "occurred"


def test_attack_by_unresolved_thugs_is_assault(pipe):
    doc = _events(pipe, "Le commerçant a été frappé par des voyous à la sortie du marché.", "fr")
    assert _one(doc, "ASSAULT").status == "occurred"


def test_gunmen_attack_is_assault_en(pipe):
    doc = _events(pipe, "Gunmen attacked a police checkpoint near the border on Sunday.", "en")
    assert _one(doc, "ASSAULT").status == "occurred"


def test_police_arrest_is_coerce(pipe):
    doc = _events(pipe, "La police a arrêté trois manifestants jeudi à Dakar.", "fr")
    assert _one(doc, "COERCE").status == "occurred"


def test_pronominal_stop_is_not_an_arrest(pipe):
    doc = _events(pipe, "Le cycliste s'est arrêté devant la boulangerie.", "fr")
    assert not _material(doc)


def test_pronominal_attack_with_target_is_assault(pipe):
    doc = _events(pipe, "Des hommes armés se sont attaqués au poste de police.", "fr")
    assert _one(doc, "ASSAULT").status == "occurred"


def test_purpose_arrest_not_occurred_but_protest_in_streets_is(pipe):
    doc = _events(pipe, "Une enquête a été ouverte dans le but d'arrêter les cambrioleurs.", "fr")
    assert not [e for e in doc.events if e.type == "COERCE" and e.status == "occurred"]
    doc = _events(pipe, "Des milliers d'habitants sont descendus dans la rue pour manifester contre la réforme.", "fr")
    assert _one(doc, "PROTEST").status == "occurred"


def test_emergency_services_give_no_consult(pipe):
    doc = _events(pipe, "Les pompiers ont été appelés et se sont rendus sur place en quelques minutes.", "fr")
    assert not [e for e in doc.events if e.type in ("CONSULT", "REQUEST") and e.status == "occurred"]


def test_government_promise_is_agree(pipe):
    doc = _events(pipe, "Le gouvernement malien a promis une aide aux familles des victimes.", "fr")
    assert _one(doc, "AGREE").status == "occurred"


def test_rescuers_do_not_protest(pipe):
    doc = _events(pipe, "Les secouristes se sont mobilisés toute la nuit pour dégager les victimes.", "fr")
    assert not [e for e in doc.events if e.type in ("PROTEST", "MOBILIZE") and e.status == "occurred"]


@pytest.mark.parametrize("lang,text", [
    ("en", "Israel's military declined to comment on the report."),
    ("fr", "Le ministère de la Défense a refusé de commenter ces informations."),
])
def test_declining_to_comment_is_not_a_rejection(pipe, lang, text):
    assert [e.type for e in _events(pipe, text, lang).events] == []


@pytest.mark.parametrize("lang,text", [
    ("en", "The rebels declined the government's offer of talks."),
    ("fr", "Le gouvernement a refusé de négocier avec les rebelles."),
])
def test_declining_an_offer_is_a_rejection(pipe, lang, text):
    assert "REJECT" in [e.type for e in _events(pipe, text, lang).events]


@pytest.mark.parametrize("lang,text,status,country", [
    ("en", "Norway says it will not accept any more asylum seekers this year.", "planned", "NOR"),
    ("en", "Hungary will never accept the quota plan, the prime minister said.", "planned", "HUN"),
    ("en", "Poland did not accept the Commission's relocation plan.", "occurred", "POL"),
    ("fr", "La Pologne n'accepte pas le plan de répartition des migrants.", "occurred", "POL"),
    ("fr", "La Hongrie n'acceptera jamais ces quotas, a déclaré le Premier ministre.", "planned", "HUN"),
    ("fr", "La Pologne n'a pas accepté le plan de la Commission.", "occurred", "POL"),
])
def test_not_accepting_is_a_rejection(pipe, lang, text, status, country):
    # a negation that is part of the phrase: a refusal that occurred (or is announced), not a negated AGREE
    events = _events(pipe, text, lang).events
    rejects = [e for e in events if e.type == "REJECT" and e.status == status]
    assert rejects and _countries(rejects[0].actor) == {country}
    assert not [e for e in events if e.type == "AGREE"]


@pytest.mark.parametrize("lang,text", [
    ("en", "Chile says it is willing to withdraw its observers from Bolivia."),
    ("en", "Chile said it was ready to withdraw its observers from Bolivia."),
])
def test_copula_adjective_takes_the_clause_subject(pipe, lang, text):
    # "it is willing to": the subject hangs on the copula; "it" is the speaker; "its observers" are
    # Chile's own, so the recipient is the country they leave
    ev = _one(_events(pipe, text, lang), "AGREE")
    assert _countries(ev.actor) == {"CHL"}
    assert _countries(ev.recipient) == {"BOL"}


@pytest.mark.parametrize("lang,text", [
    ("en", "The minister said Peru is committed to reopening talks with Ecuador."),
    ("fr", "Le ministre a déclaré que le Pérou est résolu à rouvrir les négociations avec l'Équateur."),
])
def test_stative_passive_subject_holds_the_attitude(pipe, lang, text):
    # "is committed to": an adjectival passive; its subject is the one committed, not the target
    ev = _one(_events(pipe, text, lang), "AGREE")
    assert "PER" in _countries(ev.actor)
    assert "PER" not in _countries(ev.recipient)


def test_passive_controls_its_infinitive(pipe):
    doc = _events(pipe, "Bolivia was forced to withdraw its troops from Chile.", "en")
    ev = _one(doc, "RETREAT")
    assert _countries(ev.actor) == {"BOL"} and _countries(ev.recipient) == {"CHL"}


def test_purpose_clause_is_controlled_by_the_subject(pipe):
    # "stopped work to protest": the workers protest, not the work
    doc = _events(pipe, "Kenyan teachers stopped work on Monday to protest against the budget cuts.", "en")
    ev = _one(doc, "PROTEST")
    assert _countries(ev.actor) == {"KEN"}


@pytest.mark.parametrize("lang,text", [
    ("en", "The Chilean president will visit Peru next month, officials said."),
    ("fr", "Le président chilien se rendra au Pérou le mois prochain, ont indiqué des responsables."),
])
def test_announced_visit_is_an_intent_to_meet(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "AGREE")
    assert _countries(ev.actor) == {"CHL"} and _countries(ev.recipient) == {"PER"}
    assert ev.evidence[0].rule.endswith("+intent") and ev.cameo == "036"


def test_conditional_offer_is_an_intent(pipe):
    doc = _events(pipe, "Peruvian rebel leaders said they would meet the Chilean president if he released "
                        "their prisoners.", "en")
    ev = _one(doc, "AGREE")
    assert "PER" in _countries(ev.actor) and "+intent" in ev.evidence[0].rule


def test_conditional_withdrawal_is_no_intent(pipe):
    # a withdrawal announced on a condition is a threat, not an offer
    doc = _events(pipe, "Peru said it would withdraw its troops from Chile unless talks resumed.", "en")
    assert not [e for e in doc.events if e.type == "AGREE"]


@pytest.mark.parametrize("lang,text", [
    ("en", "Kenyan teachers began a hunger strike on Monday to protest against the budget cuts."),
    ("fr", "Des enseignants kényans ont entamé lundi une grève de la faim pour protester contre les coupes budgétaires."),
])
def test_purpose_clause_of_the_same_act_is_one_event(pipe, lang, text):
    doc = _events(pipe, text, lang)
    protests = [e for e in doc.events if e.type == "PROTEST"]
    assert len(protests) == 1 and _countries(protests[0].actor) == {"KEN"}
    assert any((t.get("reason") or "").startswith("the purpose of") for t in doc.trace)


def test_unlocated_restatement_is_dropped(pipe):
    # the clauses hung on the siege have only a role without country: they restate the act they sit in
    doc = _events(pipe, "The army declared a state of siege in Bolivia and Peru, suspending the constitution and "
                        "arresting opposition leaders.", "en")
    coerce = [e for e in doc.events if e.type == "COERCE"]
    assert len(coerce) == 1 and _countries(coerce[0].recipient) == {"BOL", "PER"}


@pytest.mark.parametrize("lang,text", [
    ("en", "Chile mobilized army reservists for a possible war against Peru on Tuesday."),
    ("fr", "Le Chili a mobilisé mardi des réservistes de l'armée en vue d'une éventuelle guerre contre le Pérou."),
])
def test_mobilized_forces_are_the_actors_own(pipe, lang, text):
    # the reservists are Chile's; the target of the show of force is Peru
    ev = _one(_events(pipe, text, lang), "MOBILIZE")
    assert _countries(ev.actor) == {"CHL"} and _countries(ev.recipient) == {"PER"}


@pytest.mark.parametrize("lang,text", [
    ("en", "Peruvian rebels issued a statement demanding that the Chilean government free their leader."),
    ("fr", "Les rebelles péruviens ont publié une déclaration exigeant que le gouvernement chilien libère leur chef."),
])
def test_participle_on_an_issued_document_speaks_for_its_issuer(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "REQUEST")
    assert "PER" in _countries(ev.actor) and _countries(ev.recipient) == {"CHL"}


def test_active_participle_noun_is_the_actor(pipe):
    # "demonstrators protesting the results": the demonstrators protest (they are not its target)
    doc = _events(pipe, "Chilean police dispersed demonstrators protesting the election results in Santiago.", "en")
    ev = _one(doc, "PROTEST")
    assert "participle-agent" in ev.evidence[0].rule and ev.actor and ev.actor[0].sector == "CVL"


def test_named_possession_stays_a_recipient(pipe):
    # "its ally Bolivia" is named: Bolivia is the target of the support, not the actor's own thing
    ev = _one(_events(pipe, "Peru pledged to support its ally Bolivia.", "en"), "SUPPORT")
    assert _countries(ev.recipient) == {"BOL"}
    assert "recipient:" not in ev.evidence[0].rule


@pytest.mark.parametrize("lang,text", [
    ("en", "Chile accelerated the withdrawal of some forces from Peru on Monday."),
    ("fr", "Le Chili a accéléré lundi le retrait d'une partie des forces."),
])
def test_aspectual_support_verb_subject_acts(pipe, lang, text):
    # "accelerated the withdrawal of some forces": the forces are what is withdrawn, Chile withdraws
    ev = _one(_events(pipe, text, lang), "RETREAT")
    assert _countries(ev.actor) == {"CHL"} and "support-verb" in ev.evidence[0].rule


@pytest.mark.parametrize("text,country", [
    ("Khartoum forced the aid agency, Oxfam, out of the country last year.", "SDN"),
    ("Moscow forced the monitors, including two Britons, out of Abkhazia.", "RUS"),
])
def test_apposition_commas_do_not_split_a_phrase(pipe, text, country):
    # "forced X, Y, out": the commas belong to the object's apposition, not to a clause boundary
    events = [e for e in _events(pipe, text, "en").events if e.type == "SANCTION"]
    assert events and _countries(events[0].actor) == {country}


def test_clause_commas_still_split_a_phrase(pipe):
    text = "Sudan forced the agency to close its offices, and the remaining monitors, fearing arrest, moved out of Darfur."
    assert not [e for e in _events(pipe, text, "en").events if e.type == "SANCTION"]


@pytest.mark.parametrize("lang,text", [
    ("en", "Tokyo protested against the missile launch on Friday."),
    ("fr", "Le Japon a protesté vendredi contre le tir de missile."),
])
def test_a_government_that_protests_complains_officially(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "ACCUSE")
    assert ev.cameo == "114" and _countries(ev.actor) == {"JPN"}
    assert not [e for e in _events(pipe, text, lang).events if e.type == "PROTEST"]


@pytest.mark.parametrize("lang,text", [
    ("en", "Thousands of students protested against the reform in Tokyo."),
    ("fr", "Des milliers d'étudiants ont protesté contre la réforme à Tokyo."),
    ("fr", "Des centaines de manifestants ont défilé samedi à Khartoum. Munis de pancartes, ils ont protesté "
           "contre les violences."),
])
def test_people_who_protest_still_demonstrate(pipe, lang, text):
    assert _one(_events(pipe, text, lang), "PROTEST").cameo.startswith("14")
    assert not [e for e in _events(pipe, text, lang).events if e.cameo == "114"]


@pytest.mark.parametrize("lang,text,type_,actors", [
    ("en", "British and Irish officials returned to Belfast on Monday for talks on the border.", "CONSULT",
     {"GBR", "IRL"}),
    ("fr", "Les diplomates britanniques et irlandais reviennent lundi à Belfast pour des pourparlers sur la "
           "frontière.", "CONSULT", {"GBR", "IRL"}),
    ("en", "Serbian police were engaged in ethnic cleansing against the Albanian population.", "ASSAULT", {"SRB"}),
    ("fr", "Des syndicalistes grecs ont participé à une grève contre le gouvernement.", "PROTEST", {"GRC"}),
    # the md model makes the participle "venus" the subject: the noun it modifies acts
    ("fr", "Des milliers de Kényans venus de tout le pays convergeaient samedi vers Nairobi pour un "
           "rassemblement contre la loi fiscale.", "PROTEST", {"KEN"}),
])
def test_participation_frame_gives_the_noun_event_its_actor(pipe, lang, text, type_, actors):
    ev = _one(_events(pipe, text, lang), type_)
    assert _countries(ev.actor) == actors
    assert "participation" in ev.evidence[0].rule


@pytest.mark.parametrize("lang,text", [
    ("en", "The British minister said during the talks that the border would stay closed."),
    ("fr", "Le ministre britannique a déclaré lors des pourparlers que la frontière resterait fermée."),
])
def test_speaking_during_talks_is_no_participation(pipe, lang, text):
    assert not [e for e in _events(pipe, text, lang).events if e.type == "CONSULT" and e.actor]


@pytest.mark.parametrize("lang,text", [
    ("en", "Kurdish students threw stones during demonstrations against the Turkish police."),
    ("fr", "Des étudiants kurdes ont lancé des pierres lors de manifestations contre la police turque."),
    ("fr", "Des étudiants kurdes ont lancé des pierres au cours de manifestations contre la police turque."),
    # the time phrase hangs on a verb inside the trigger phrase, not on its head
    ("fr", "De jeunes Kurdes ont eu recours aux jets de pierres lors de manifestations contre la police turque."),
])
def test_act_during_an_event_of_its_type_is_that_event(pipe, lang, text):
    protests = [e for e in _events(pipe, text, lang).events if e.type == "PROTEST"]
    assert len(protests) == 1
    assert _countries(protests[0].actor) == {"TUR"}
    assert [(r.country, r.sector) for r in protests[0].recipient] == [("TUR", "COP")]


def test_gerund_after_a_predicate_adjective_takes_its_subject(pipe):
    text = "The Sri Lankan army and the Tamil rebels are guilty of violating the ceasefire."
    ev = _one(_events(pipe, text, "en"), "ASSAULT")
    assert {(a.country, a.sector) for a in ev.actor} == {("LKA", "MIL"), ("LKA", "REB")}
    assert ev.status == "occurred"


@pytest.mark.parametrize("text,status", [
    ("India prevented Pakistan from attacking the border posts.", "negated"),
    ("The Turkish army was accused of violating the ceasefire.", "hypothetical"),
])
def test_gerund_under_prevention_or_allegation_is_not_reported_as_done(pipe, text, status):
    ev = _one(_events(pipe, text, "en"), "ASSAULT")
    assert ev.actor and ev.status == status


@pytest.mark.parametrize("lang,text,cede", [
    ("en", "The Arab League reiterated its demand today that Israel ease restrictions on Palestinian workers.", "CONCEDE"),
    ("fr", "La Ligue arabe a réitéré sa demande qu'Israël assouplisse les restrictions.", "CONCEDE"),
    ("en", "The European Union made a demand that Turkey withdraw its troops.", "RETREAT"),
    ("fr", "L'ONU a réitéré lundi sa demande que l'Iran libère les journalistes détenus.", "RETREAT"),
])
def test_demand_noun_targets_its_clause_subject_and_the_clause_did_not_happen(pipe, lang, text, cede):
    doc = _events(pipe, text, lang)
    ev = _one(doc, "REQUEST")
    assert ev.actor and all((a.code or "")[:3] in ("IGO", "UNO", "EUR") for a in ev.actor)
    assert _countries(ev.recipient) & {"ISR", "TUR", "IRN"}
    assert not [e for e in doc.events if e.type == cede and e.status == "occurred"]


def test_possessive_of_an_arrest_is_not_its_actor(pipe):
    doc = _events(pipe, "Les rebelles ont dénoncé leur arrestation par la police.", "fr")
    assert not [e for e in doc.events if e.type == "COERCE" and any(a.sector == "REB" for a in e.actor)]


@pytest.mark.parametrize("lang,text", [
    ("en", "President Mugabe has reportedly conceded at last to demands from the opposition."),
    ("fr", "Le président Mugabe aurait finalement cédé aux exigences de l'opposition."),
])
def test_conceding_to_demands_answers_their_author_and_reported_acts_occurred(pipe, lang, text):
    ev = _one(_events(pipe, text, lang), "CONCEDE")
    assert _countries(ev.actor) == {"ZWE"} and [(r.country, r.sector) for r in ev.recipient] == [("ZWE", "OPP")]
    assert ev.status == "occurred"


@pytest.mark.parametrize("text", [
    "L'armée aurait pu attaquer la ville.",
    "L'armée aurait attaqué la ville si les rebelles avaient refusé de partir.",
])
def test_french_conditional_with_a_modal_or_a_condition_stays_hypothetical(pipe, text):
    ev = _one(_events(pipe, text, "fr"), "ASSAULT")
    assert ev.status == "hypothetical"


@pytest.mark.parametrize("lang,text,ruled", [
    ("en", "Chinese officials said on Monday that lifting the embargo on Taiwan is out of the question.", "RETREAT"),
    ("en", "A military strike on Taiwan was ruled out, the Chinese foreign minister said.", "ASSAULT"),
    ("fr", "Le gouvernement chinois a déclaré qu'une levée de l'embargo contre Taïwan est hors de question.",
     "RETREAT"),
    ("fr", "Une levée de l'embargo contre Taïwan est exclue, a déclaré le ministre chinois des Affaires étrangères.",
     "RETREAT"),
])
def test_idiom_of_refusal_is_the_speakers_and_what_it_rules_out_did_not_happen(pipe, lang, text, ruled):
    doc = _events(pipe, text, lang)
    ev = _one(doc, "REJECT")
    assert _countries(ev.actor) == {"CHN"} and _countries(ev.recipient) == {"TWN"}
    assert not [e for e in doc.events if e.type == ruled and e.status == "occurred"]


def test_talks_ruled_out_did_not_happen(pipe):
    doc = _events(pipe, "The Sudanese government ruled out talks with the rebels.", "en")
    assert _one(doc, "REJECT").status == "occurred"
    assert not [e for e in doc.events if e.type == "CONSULT" and e.status == "occurred"]
