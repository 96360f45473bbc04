"""Sense frames of incident reports (dragoman.events.frames), required actor sectors, allegations.

Hand-written French sentences: a march, a gathering or an attack is a political event only in
the right frame; violence by protesters is the riot itself; thefts and accidents give nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dragoman.errors import DataFileError
from dragoman.events.lexicon import load_triggers_file
from dragoman.pipeline import Pipeline, PipelineConfig

MATERIAL = {"PROTEST", "COERCE", "ASSAULT"}


@pytest.fixture(scope="module")
def pipe():
    return Pipeline(PipelineConfig())


def _types(pipe, text, statuses=("occurred", "planned")):
    doc = pipe.code_text(text, lang="fr")
    assert not doc.errors, doc.errors
    return {e.type for e in doc.events if e.status in statuses}


def _reasons(pipe, text):
    doc = pipe.code_text(text, lang="fr")
    return " | ".join(str(n.get("reason")) for n in doc.trace)


# --- protest frame (args.frame: protest)

@pytest.mark.parametrize("text", [
    "Le club de randonnée a organisé une marche de quinze kilomètres dans la forêt de Fontainebleau.",
    "Environ trois cents personnes se sont rassemblées samedi pour le festival de la musique à Lyon.",
    "Lors des obsèques du chanteur, ses amis ont défilé en voiture dans les rues de Nantes.",
    "Les habitants du quartier se sont rassemblés devant la maison de la famille endeuillée.",
    "Son oncle est mort l'an dernier d'un trouble métabolique rare.",
    "Le marché du cacao a fortement reculé cette semaine à Abidjan.",
])
def test_gathering_words_outside_a_protest_give_no_protest(pipe, text):
    assert "PROTEST" not in _types(pipe, text)


@pytest.mark.parametrize("text", [
    "Des milliers d'enseignants ont défilé à Lyon en brandissant des banderoles pour réclamer des hausses de salaire.",
    "Une marche contre la réforme des retraites a réuni des milliers de personnes à Marseille.",
    "Les agriculteurs sont en colère. Ils se sont rassemblés devant la préfecture de Rennes.",
])
def test_gathering_words_in_a_protest_give_protest(pipe, text):
    assert "PROTEST" in _types(pipe, text)


def test_festival_reason_is_traced(pipe):
    reasons = _reasons(pipe, "Des centaines de familles se sont rassemblées pour la fête du village à Annecy.")
    assert "not a protest" in reasons


# --- ordinary crime

@pytest.mark.parametrize("text", [
    "Un commerçant a été agressé par deux voleurs qui lui ont dérobé sa recette à Marseille.",
    "Une retraitée a été victime d'une agression hier soir à Lille. Les malfaiteurs ont pris son sac à main.",
])
def test_robbery_violence_is_not_political_assault(pipe, text):
    assert "ASSAULT" not in _types(pipe, text)


def test_attack_by_soldiers_stays_assault(pipe):
    assert "ASSAULT" in _types(pipe, "Des soldats ont attaqué un village du nord du Mali, tuant douze civils.")


def test_violence_around_an_election_is_not_ordinary_crime(pipe):
    text = ("Après l'annonce des résultats de l'élection, des voyous ont attaqué le siège du parti au pouvoir à Abidjan. "
            "Ils ont aussi volé des ordinateurs.")
    assert "ASSAULT" in _types(pipe, text)


# --- riot

def test_destruction_by_protesters_is_a_riot(pipe):
    doc = pipe.code_text("Les manifestants ont détruit plusieurs abribus dans le centre de Nantes.", lang="fr")
    types = {e.type for e in doc.events}
    assert "ASSAULT" not in types
    riot = [e for e in doc.events if e.type == "PROTEST"]
    assert riot and riot[0].mode == "riot" and riot[0].cameo == "145"


def test_police_killing_protesters_stays_assault(pipe):
    assert "ASSAULT" in _types(pipe, "La police a tué deux manifestants lors d'une émeute à Dakar.")


def test_coup_among_protest_words_stays_assault(pipe):
    text = "Des manifestants ont envahi les rues de Bamako. Un coup d'État a renversé le président dans la nuit."
    assert "ASSAULT" in _types(pipe, text)


# --- required actor sectors (args.actor_sectors)

@pytest.mark.parametrize("text", [
    "La banque a saisi la maison de l'agriculteur endetté.",
    "Les dirigeants ont annoncé la dissolution de leur association à Genève.",
    "Une coupure de courant a plongé le quartier dans le noir pendant deux heures.",
    "La route a été fermée après la collision entre deux camions.",
])
def test_coercion_words_without_a_state_actor_give_no_coerce(pipe, text):
    assert "COERCE" not in _types(pipe, text)


@pytest.mark.parametrize("text", [
    "La police a saisi deux tonnes de cocaïne dans le port du Havre.",
    "Le gouvernement a dissous le principal parti d'opposition.",
])
def test_coercion_by_the_state_is_coerce(pipe, text):
    assert "COERCE" in _types(pipe, text)


# --- agentivity of protests and arrests

def test_rain_stopped_is_not_an_arrest(pipe):
    assert "COERCE" not in _types(pipe, "Une fois la pluie arrêtée, les habitants ont nettoyé leurs maisons.")


def test_flood_does_not_loot(pipe):
    assert "PROTEST" not in _types(pipe, "Une inondation a saccagé le centre de la ville de Namur.")


# --- status: allegations, prevented acts, equipment, topics

def test_alleged_murder_is_not_reported_but_the_arrest_is(pipe):
    text = "Un homme soupçonné du meurtre de son voisin a été arrêté par la police à Lyon."
    assert "COERCE" in _types(pipe, text)
    assert "ASSAULT" not in _types(pipe, text)


def test_prevented_act_did_not_happen(pipe):
    text = "Les gendarmes ont empêché les militants d'envahir la centrale nucléaire."
    assert "ASSAULT" not in _types(pipe, text)


def test_carried_tear_gas_is_not_used(pipe):
    text = "Des policiers munis de gaz lacrymogène surveillaient la place de la mairie."
    assert "ASSAULT" not in _types(pipe, text)


def test_campaign_topic_is_not_an_event(pipe):
    text = "Une marche pour la lutte contre les violences sexuelles a réuni des militantes à Paris."
    types = _types(pipe, text)
    assert "PROTEST" in types and "ASSAULT" not in types


# --- loader validation of the new entry keys

def _lexicon(tmp_path: Path, args: str) -> Path:
    p = tmp_path / "triggers.yaml"
    p.write_text("version: 1\nlang: fr\nentries:\n"
                 f'  - {{id: fr.marche, lemma: "marche", pos: NOUN, type: PROTEST, mode: demo, cameo: "141", '
                 f"args: {args}}}\n", encoding="utf-8")
    return p


def test_frame_and_sectors_load(tmp_path):
    lex = load_triggers_file(_lexicon(tmp_path, "{frame: protest, actor_sectors: [cvl, LAB]}"), "fr")
    args = lex.entries[0].args
    assert args.frame == "protest" and args.actor_sectors == ("CVL", "LAB")


@pytest.mark.parametrize("args, problem", [
    ("{frame: picnic}", "args.frame"),
    ("{actor_sectors: [XYZ]}", "actor_sectors"),
])
def test_bad_frame_or_sector_is_a_data_error(tmp_path, args, problem):
    with pytest.raises(DataFileError, match=problem):
        load_triggers_file(_lexicon(tmp_path, args), "fr")


# --- visits and demands that are not diplomacy

def test_police_going_to_a_house_is_not_a_visit(pipe):
    assert "CONSULT" not in _types(pipe, "Les policiers se sont rendus au domicile du suspect à Marseille.")


def test_minister_travelling_abroad_is_a_visit(pipe):
    assert "CONSULT" in _types(pipe, "Le ministre français des Affaires étrangères s'est rendu à Pékin mardi.")


def test_demand_of_strikers_is_the_topic_of_their_strike(pipe):
    assert "REQUEST" not in _types(pipe, "Les grévistes réclament une hausse des salaires depuis lundi à Lyon.")


def test_demand_between_governments_stays_request(pipe):
    assert "REQUEST" in _types(pipe, "Paris a exigé que Téhéran libère les deux otages français.")


@pytest.mark.parametrize("text", [
    "Les manifestants ont déployé des banderoles devant la mairie de Rennes.",
    "Dans la matinée de jeudi, les pompiers ont été mobilisés au Guatemala.",
])
def test_banners_and_firefighters_are_not_mobilization(pipe, text):
    assert "MOBILIZE" not in _types(pipe, text)


# --- kinds of places, clashes in a protest, promises by private people

@pytest.mark.parametrize("text, type_", [
    ("Le prisonnier a été conduit à la maison de détention de Fresnes dans un fourgon blindé.", "COERCE"),
    ("Une voiture de patrouille de la police est arrivée sur les lieux.", "MOBILIZE"),
])
def test_kind_of_place_or_vehicle_is_no_event(pipe, text, type_):
    assert type_ not in _types(pipe, text)


def test_clashes_during_a_strike_are_the_riot(pipe):
    text = ("Les étudiants en grève ont bloqué l'université de Lyon. "
            "De violents affrontements se sont poursuivis toute la nuit devant le campus.")
    types = _types(pipe, text)
    assert "ASSAULT" not in types and "PROTEST" in types


def test_pupils_promising_is_not_an_agreement(pipe):
    assert "AGREE" not in _types(pipe, "Les élèves de l’école ont promis à leur professeur de bien utiliser le matériel.")


def test_government_promising_is_an_agreement(pipe):
    assert "AGREE" in _types(pipe, "Le gouvernement malien a promis de libérer les prisonniers politiques.")


# --- receiving things and private visits are not diplomacy

@pytest.mark.parametrize("text", [
    "Au cours de la saison, le club de football a reçu plusieurs trophées internationaux.",
    "Les bénévoles de l'association ont rendu visite aux enfants hospitalisés à Lyon.",
])
def test_receiving_things_and_private_visits_are_not_consult(pipe, text):
    assert "CONSULT" not in _types(pipe, text)


def test_head_of_state_receiving_a_minister_is_consult(pipe):
    text = "Le président sénégalais a reçu mardi à Dakar le Premier ministre malien."
    assert "CONSULT" in _types(pipe, text)


def test_person_of_a_country_is_not_an_official_visitor(pipe):
    text = "Giulia Rossi, une femme d'origine italienne née à Tunis, se rendait dans la médina pour acheter des tapis."
    assert "CONSULT" not in _types(pipe, text)


def test_stop_doing_is_not_an_arrest(pipe):
    text = "Les policiers ont ordonné aux jeunes d'arrêter de lancer des pierres."
    assert "COERCE" not in _types(pipe, text)


def test_arrest_with_a_purpose_clause_stays_an_arrest(pipe):
    assert "COERCE" in _types(pipe, "La police a arrêté trois militants à Dakar jeudi.")


# --- what a coded protest is about, and gifts (POPCORN audit of extra events)

def _types_in(pipe, text, lang):
    doc = pipe.code_text(text, lang=lang)
    assert not doc.errors, doc.errors
    return {e.type for e in doc.events if e.status in ("occurred", "planned")}


@pytest.mark.parametrize("text, lang", [
    ("Des centaines d'ouvriers ont défilé devant la mairie de Lyon. Ils dénoncent la fermeture de l'usine.", "fr"),
    ("Hundreds of workers marched to the town hall in Leeds. They denounced the closure of the plant.", "en"),
])
def test_denunciation_by_the_protesters_is_the_topic_of_their_protest(pipe, text, lang):
    types = _types_in(pipe, text, lang)
    assert "PROTEST" in types and "ACCUSE" not in types


@pytest.mark.parametrize("text, lang", [
    ("Des étudiants ont manifesté à Rennes. Le ministre français de l'Intérieur a dénoncé les violences.", "fr"),
    ("Students marched in Leeds. The British interior minister condemned the violence.", "en"),
    ("Des chauffeurs de taxi ont manifesté à Lyon. Une commission d'enquête a accusé la police d'avoir menti.", "fr"),
    ("Taxi drivers demonstrated in Leeds. An inquiry commission accused the police of lying.", "en"),
])
def test_others_reacting_to_a_protest_still_accuse(pipe, text, lang):
    assert {"PROTEST", "ACCUSE"} <= _types_in(pipe, text, lang)


def test_topic_of_protest_is_traced(pipe):
    doc = pipe.code_text("Des centaines d'ouvriers ont défilé devant la mairie de Lyon. "
                         "Ils dénoncent la fermeture de l'usine.", lang="fr")
    assert any("protest" in str(n.get("reason")) and n.get("entry", "").startswith("fr.dénoncer")
               for n in doc.trace)


@pytest.mark.parametrize("text, lang", [
    ("Le chef de l'État les a reçus et leur a offert de la nourriture et des boissons.", "fr"),
    ("Les membres de l'association ont offert des jouets aux enfants malades.", "fr"),
    ("Le ministre a assisté au gala offert par le maire de Lyon.", "fr"),
    ("The president received them and offered them food and drinks.", "en"),
    ("The minister attended a dinner offered by the mayor of Leeds.", "en"),
])
def test_giving_food_or_toys_is_not_an_offer_to_cooperate(pipe, text, lang):
    assert "AGREE" not in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Le Qatar a offert de servir de médiateur entre les deux pays.", "fr"),
    ("La France a offert son aide au Maroc.", "fr"),
    ("France offered its help to Morocco.", "en"),
])
def test_offering_help_or_mediation_is_agree(pipe, text, lang):
    assert "AGREE" in _types_in(pipe, text, lang)


# --- senses of trigger words (POPCORN audit of extra events)

@pytest.mark.parametrize("text, lang, type_", [
    # "à l'aide de", "with the help of" name an instrument, not what is blocked, cut or sought
    ("Les manifestants ont bloqué les routes de Rennes à l'aide de pneus et de branches.", "fr", "REJECT"),
    ("Les arbres ont été coupés à l'aide d'une tronçonneuse près de Lyon.", "fr", "SANCTION"),
    ("The gang sought revenge with the help of hired thugs in Leeds.", "en", "REQUEST"),
    # exchanging fire is fighting, not talking
    ("Les rebelles ont échangé des tirs avec l'armée malienne près de Gao.", "fr", "CONSULT"),
    # pushed back by the police is not a rejection; warning of a storm is no threat
    ("Lors de la manifestation, les jeunes ont été repoussés par la police avec des grenades lacrymogènes.", "fr",
     "REJECT"),
    ("Les journalistes ont averti la population du danger de la tempête.", "fr", "THREATEN"),
    ("Forecasters warned residents about the danger of the storm.", "en", "ACCUSE"),
    # residents leaving a town, investigators going to a scene: no retreat of forces
    ("Plusieurs habitants ont quitté la ville de Nice à bord de bus.", "fr", "RETREAT"),
    ("Les enquêteurs se sont rendus sur le lieu du drame avec une voiture de la police.", "fr", "RETREAT"),
    # projectiles thrown at the police are no show of force
    ("Des projectiles ont été lancés sur les policiers par des jeunes à Lyon.", "fr", "MOBILIZE"),
])
def test_other_senses_of_trigger_words(pipe, text, lang, type_):
    assert type_ not in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang, type_", [
    ("Le Sénat américain a bloqué l'aide à l'Ukraine.", "fr", "REJECT"),
    ("The Afghan government sought help from NATO.", "en", "REQUEST"),
    ("Les rebelles ont échangé des tirs avec l'armée malienne près de Gao.", "fr", "ASSAULT"),
    ("Les troupes russes ont quitté la ville de Kherson.", "fr", "RETREAT"),
    ("Les rebelles se sont rendus aux forces armées maliennes.", "fr", "RETREAT"),
])
def test_political_senses_stay(pipe, text, lang, type_):
    assert type_ in _types_in(pipe, text, lang)


def _statuses(pipe, text, lang, type_):
    doc = pipe.code_text(text, lang=lang)
    assert not doc.errors, doc.errors
    return {e.status for e in doc.events if e.type == type_}


@pytest.mark.parametrize("text, lang, type_", [
    # a negation between the words of a phrase is not part of it: "n'ont pas l'intention de" negates the intent
    ("Les ministres maliens ont affirmé qu'ils n'ont pas l'intention de céder le pouvoir aux rebelles.", "fr",
     "AGREE"),
    # what was prevented or avoided did not happen
    ("L'armée malienne a empêché un coup d'État à Bamako.", "fr", "ASSAULT"),
    ("The Malian army prevented a coup in Bamako.", "en", "ASSAULT"),
])
def test_negated_intent_and_prevented_acts_are_not_asserted(pipe, text, lang, type_):
    statuses = _statuses(pipe, text, lang, type_)
    assert statuses and not statuses & {"occurred", "planned"}


def test_smashing_windows_is_not_an_explosion(pipe):
    assert "ASSAULT" not in _types_in(pipe, "Des jeunes ont explosé les vitres des voitures à coups de batte à Lyon.",
                                      "fr")


def test_a_bomb_exploding_stays_an_attack(pipe):
    assert "ASSAULT" in _types_in(pipe, "Une bombe a explosé devant l'ambassade de France à Bamako.", "fr")


@pytest.mark.parametrize("text, lang", [
    ("Le 3 mai, les responsables de l'Alliance pour le Progrès au Mali ont annoncé la dissolution de leur "
     "organisation.", "fr"),
    ("The leaders of the Malian Socialist Party dissolved their party on Monday.", "en"),
])
def test_dissolving_ones_own_organisation_is_not_coercion(pipe, text, lang):
    assert "COERCE" not in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Le gouvernement malien a annoncé la dissolution du parti d'opposition.", "fr"),
    ("Le gouvernement malien a dissous le parti d'opposition.", "fr"),
    ("The Malian government dissolved the opposition party on Monday.", "en"),
])
def test_dissolving_another_organisation_is_coercion(pipe, text, lang):
    assert "COERCE" in _types_in(pipe, text, lang)


# --- private trips are not visits; intentional destruction is an attack, accidents and riots are not

@pytest.mark.parametrize("text, lang", [
    ("Deux petits garçons d'origine pakistanaise se rendaient à l'école de Lyon à vélo.", "fr"),
    ("Madame Constance Dupuis, une jeune Grecque, a effectué un voyage touristique en Grèce.", "fr"),
    ("Une touriste a été victime d'un accident de voiture lors de son séjour à Paris.", "fr"),
    ("A young tourist was injured in a car accident during her trip to Paris.", "en"),
    ("Two Pakistani boys travelled to Leeds by bus.", "en"),
])
def test_private_trips_are_not_visits(pipe, text, lang):
    assert "CONSULT" not in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Le ministre français des Affaires étrangères a effectué un voyage officiel en Chine.", "fr"),
    ("Le séjour du président chinois à Paris a duré trois jours.", "fr"),
    ("The French foreign minister made a trip to China last week.", "en"),
    ("The Chinese foreign minister travelled to Paris on Monday.", "en"),
])
def test_official_trips_are_visits(pipe, text, lang):
    assert "CONSULT" in _types_in(pipe, text, lang)


def _coded(pipe, text, lang):
    doc = pipe.code_text(text, lang=lang)
    assert not doc.errors, doc.errors
    return {(e.type, e.mode) for e in doc.events if e.status in ("occurred", "planned") and e.actor}


@pytest.mark.parametrize("text, lang", [
    ("Rebels blew up power lines near Goma on Sunday.", "en"),
    ("Militants set fire to the offices of the ruling party in Dhaka.", "en"),
    ("Des rebelles ont fait sauter des pylônes électriques près de Goma dimanche.", "fr"),
    ("Des militants ont incendié les locaux du parti au pouvoir à Dakar.", "fr"),
    ("Des militants ont mis le feu aux locaux du parti au pouvoir à Dakar.", "fr"),
])
def test_intentional_destruction_with_an_actor_is_assault_destroy(pipe, text, lang):
    assert ("ASSAULT", "destroy") in _coded(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("A fire caused by a short circuit destroyed a warehouse in Leeds.", "en"),
    ("Un incendie provoqué par un court-circuit a détruit un entrepôt à Lyon.", "fr"),
    ("Un camion-citerne a pris feu sur l'autoroute près de Lyon.", "fr"),
])
def test_accidental_fires_are_no_attack(pipe, text, lang):
    assert "ASSAULT" not in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Protesters set fire to cars during the demonstration in Leeds.", "en"),
    ("Des manifestants ont incendié des voitures lors de la manifestation à Lyon.", "fr"),
])
def test_riot_damage_by_protesters_is_protest_riot(pipe, text, lang):
    types = _types_in(pipe, text, lang)
    assert "PROTEST" in types and "ASSAULT" not in types


def test_the_auxiliary_a_is_not_the_preposition_a(pipe):
    # "a appelé la police … et a menacé": "a" (has) does not complete the phrase "appeler à"
    assert "REQUEST" not in _types_in(
        pipe, "Le voisin a appelé la police avec son téléphone et a menacé l'intrus avec un fusil.", "fr")


@pytest.mark.parametrize("text, lang", [
    ("Les ouvriers ont quitté leur poste pour se joindre à la grève à Lyon.", "fr"),
    ("The workers quit their jobs to join the strike in Leeds.", "en"),
])
def test_workers_leaving_their_posts_do_not_resign_office(pipe, text, lang):
    assert "RETREAT" not in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Le ministre malien de la Défense a quitté son poste lundi.", "fr"),
    ("The Malian defence minister quit his post on Monday.", "en"),
])
def test_officials_leaving_their_posts_resign(pipe, text, lang):
    assert "RETREAT" in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Malgré ces annonces, la menace des djihadistes pèse toujours sur la région de Mopti.", "fr"),
    ("Despite these announcements, the threat of the jihadists still looms over the Mopti region.", "en"),
])
def test_a_looming_threat_is_a_danger_not_a_threat_made(pipe, text, lang):
    assert "THREATEN" not in _types_in(pipe, text, lang)


@pytest.mark.parametrize("text, lang", [
    ("Les djihadistes ont proféré des menaces contre le gouvernement malien.", "fr"),
    ("The Russian threat to cut gas supplies worried Ukraine.", "en"),
])
def test_threats_made_stay_threats(pipe, text, lang):
    assert "THREATEN" in _types_in(pipe, text, lang)
