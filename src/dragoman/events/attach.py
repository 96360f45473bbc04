"""Argument attachment: who is the actor and who the recipient of a trigger.

Everything goes through the dependency parse (see ``dragoman.events.syntax``
for the common view over the French UD and English ClearNLP labels), and the
participants are always the actor mentions the actors stage found: an argument
head is mapped to the mention covering it or its compound/flat/appos/genitive
chain. Rules, each named so ``explain`` can show which one fired:

- ``subject`` / ``passive-agent``: nsubj, or the "par"/"by" agent of a passive;
  the passive subject takes the object's role.
- ``xcomp-object-control`` / ``xcomp-subject-control``: "urged Beijing to
  use" -> Beijing is the subject of "use"; "agreed to share" -> the subject of
  "agreed".
- ``conj-shared-subject``, ``advcl-shared-subject``: "protested X and urged Y".
- ``relcl``: "the rebels, who attacked the town" -> the antecedent.
- ``participle``: "les frappes menées par Israël", "a summit hosted by China".
- ``nominal``: the de/of/by/possessive/nationality modifiers of a noun trigger.
- ``support-verb``: "a procédé à des arrestations" -> the support verb's subject.
- ``destination``: travel entries, the country of the place visited.
- ``coordination-repair``: mentions adjacent through et/and/"," that the
  parser did not coordinate ("Washington et Séoul ont exhorté").
- ``pair-anaphora``: "the two leaders" -> the participants of the previous event.
- ``object-event-anaphora``: "Séoul a condamné un acte de provocation" -> the
  actor of the act condemned (an event stated just before).

Reported speech ("X said that Y attacked Z", "selon X") gives ``reported_by``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from dragoman.actors.context import named_country
from dragoman.events import syntax
from dragoman.events.cues import EventCues, load_event_cues
from dragoman.schema import Actor, ActorMention

Token = Any

_STATE_KINDS = {"country", "capital", "place"}
# Relations a predicate normally hangs by; anything else means the parser lost the clause.
_PRED_DEPS = {"ROOT", "conj", "ccomp", "xcomp", "advcl", "acl", "acl:relcl", "relcl", "parataxis", "csubj",
              "advmod", "pcomp"}


# Reactions to someone's proposal, appeal, demand or accusation: its author is the counterpart
# ("rejeter l'offre américaine"); not meetings, whose genitive names the participants.
_AUTHOR_COUNTERPART = frozenset({"REJECT", "AGREE", "SUPPORT", "CONCEDE", "ACCUSE", "REQUEST"})
# Words that answer or are answered (quad classes 1 and 3): a demand, an offer, an accusation, a threat.
_VERBAL_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"})
# Demands and accusations: the subject of their complement clause is the one asked or accused
# ("the demand that Israel ease…", "allegations that the police tortured…").
_CLAUSE_TARGET = frozenset({"REQUEST", "ACCUSE"})


@dataclass
class Participant:
    actor: Actor
    mention: ActorMention | None
    via: str  # the relation it came from: "nsubj", "agent", "obj", "prep:à", "destination", ...

    def key(self) -> tuple[str | None, str | None, str | None]:
        return self.actor.key()


@dataclass
class Attachment:
    actors: list[Participant] = field(default_factory=list)
    recipients: list[Participant] = field(default_factory=list)
    reported_by: list[Participant] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rule(self) -> str:
        return "+".join(dict.fromkeys(self.rules)) or "trigger-only"


# ----------------------------------------------------------------------------- mentions


class MentionIndex:
    """Actor mentions of one sentence, looked up by doc-level token index."""

    def __init__(self, mentions: Iterable[ActorMention]):
        self.mentions = list(mentions)
        self.by_token: dict[int, list[ActorMention]] = {}
        for m in self.mentions:
            for i in range(m.token_start, m.token_end):
                self.by_token.setdefault(i, []).append(m)

    def at(self, i: int) -> list[ActorMention]:
        return self.by_token.get(i, [])

    def covering(self, tok: Token) -> ActorMention | None:
        ms = self.at(tok.i)
        return max(ms, key=lambda m: m.token_end - m.token_start) if ms else None

    def starting_at(self, i: int) -> ActorMention | None:
        ms = [m for m in self.at(i) if m.token_start == i]
        return max(ms, key=lambda m: m.token_end - m.token_start) if ms else None

    def ending_at(self, i: int) -> ActorMention | None:
        ms = [m for m in self.at(i) if m.token_end - 1 == i]
        return max(ms, key=lambda m: m.token_end - m.token_start) if ms else None


def usable(actor: Actor) -> bool:
    """A participant worth reporting: it must say who (country, code or sector)."""
    return bool(actor.country or actor.code or actor.sector)


def mention_head(m: ActorMention, doc) -> Token:
    toks = [doc[i] for i in range(m.token_start, m.token_end)]
    for t in toks:
        if not (m.token_start <= t.head.i < m.token_end) or t.head == t:
            return t
    return toks[-1]


def _np_region(head: Token, cues: EventCues) -> list[Token]:
    """The head and its name parts, adjectives, appositions and genitive modifiers."""
    region = [head]
    stack = [head]
    while stack:
        t = stack.pop()
        for c in t.children:
            take = False
            if c.dep_ in syntax.NAME_PARTS or c.dep_ in ("amod", "appos", "poss", "nmod:poss", "flat:name"):
                take = True
            elif c.dep_ == "nmod" and (syntax.prep_of(c) in cues.genitive_preps or syntax.prep_of(c) is None):
                take = True
            elif c.dep_ == "prep" and (c.lower_ in cues.genitive_preps or c.lower_ in cues.agent_preps):
                take = True  # "the ambassador of China", "calls by Belarus's rulers"
            elif c.dep_ == "pobj" and t.dep_ == "prep" and (t.lower_ in cues.genitive_preps
                                                            or t.lower_ in cues.agent_preps):
                take = True
            elif c.dep_ == "nmod" and syntax.prep_of(c) in cues.agent_preps:
                take = True
            if take and c not in region:
                region.append(c)
                stack.append(c)
    return region


def _with_country_from(actor: Actor, others: list[ActorMention]) -> Actor:
    """Fill a role's missing country from another mention of the same phrase ("Japan's prime minister")."""
    if actor.country or not actor.sector or (actor.code and actor.code != actor.sector):
        return actor  # only a bare role ("police", "the prime minister") borrows a country
    for o in others:
        if o.actor.country:
            code = actor.code
            if actor.sector and (not code or code == actor.sector):
                code = o.actor.country + actor.sector
            return replace(actor, country=o.actor.country, code=code or o.actor.country)
    return actor


def _participant(m: ActorMention, via: str, others: list[ActorMention] | None = None) -> Participant:
    actor = replace(m.actor, start=m.actor.start if m.actor.start is not None else m.start,
                    end=m.actor.end if m.actor.end is not None else m.end)
    if others:
        actor = _with_country_from(actor, [o for o in others if o is not m])
    return Participant(actor, m, via)


def np_participants(head: Token, idx: MentionIndex, cues: EventCues, via: str) -> list[Participant]:
    """The participant(s) an argument head denotes, from the mentions of its phrase."""
    region = _np_region(head, cues)
    found: list[ActorMention] = []
    for t in region:
        for m in idx.at(t.i):
            if m not in found:
                found.append(m)
    # locative modifiers can give a country to a bare role: "police in Seoul"
    local = []
    for p, n in syntax.preps(head):
        if p in cues.locative_preps:
            local.extend(m for m in idx.at(n.i) if m.actor.country)
    main = idx.covering(head)
    if main is None:
        # the head is a common noun ("officials"): the mentions modifying it;
        # coordinated adjectives ("Hungarian and Romanian officials") give several.
        cands = [m for m in found if usable(m.actor)]
        if not cands:
            return []
        cands.sort(key=lambda m: abs(m.token_start - head.i))
        first = cands[0]
        picked = [first]
        fh = mention_head(first, head.doc)
        for c in syntax.conjuncts(fh)[1:]:
            m = idx.covering(c)
            if m is not None and m not in picked and usable(m.actor):
                picked.append(m)
        return [_participant(m, via, found + local) for m in picked]
    part = _participant(main, via, found + local)
    if not usable(part.actor):
        # "Salaheddine Sidhoum, principal militant algérien, a observé": an unknown person takes the
        # country and sector of the role in apposition
        for c in head.children:
            if c.dep_ != "appos" and not (c.dep_ == "acl" and idx.covering(c) is not None
                                          and idx.covering(c).kind == "role"):  # "opposant" tagged VERB
                continue
            role = next((m for t in _np_region(c, cues) for m in idx.at(t.i) if m is not main and usable(m.actor)),
                        None)
            if role is not None:
                a = role.actor
                part = Participant(replace(part.actor, country=a.country, sector=a.sector, code=a.code,
                                           office=part.actor.office or a.office), main, via)
                break
    return [part] if usable(part.actor) else []


# ----------------------------------------------------------------------------- clause structure


def find_subjects(v: Token, cues: EventCues, depth: int = 0) -> tuple[list[Token], str | None]:
    """The subject heads of a verb, inherited through control, conjunction and relative clauses."""
    subs = [s for s in syntax.subjects(v) if not syntax.passive_subject(s) or _etre_compound(v, cues)]
    if subs:
        s = subs[0]
        if s.pos_ == "VERB" and "Part" in s.morph.get("VerbForm"):
            # "Des milliers de Kényans **venus** de tout le pays convergeaient": the md model makes the
            # participle the subject and the noun it modifies the participle's subject
            own = [c for c in s.children if c.dep_ in syntax.SUBJ and c.i < s.i and c.pos_ in ("NOUN", "PROPN")]
            if own:
                subs = own + subs[1:]
                s = subs[0]
        if (s.lower_ in syntax.REL_PRONOUNS or "Rel" in s.morph.get("PronType")) and v.dep_ in syntax.RELCL:
            return [v.head], "relcl"
        return subs, "subject"
    if any(syntax.passive_subject(s) for s in syntax.subjects(v)) and not _etre_compound(v, cues) or depth > 4:
        return [], None
    head = v.head
    if head == v:
        lost = syntax.lost_subject(v)
        return (lost, "subject-repair") if lost else ([], None)
    if v.dep_ in ("acomp", "attr") and head.pos_ in ("VERB", "AUX"):
        # English copula complement: "Syria says it is **willing** to withdraw" (the subject hangs
        # on "is"; French UD puts it on the adjective itself)
        heads, rule = find_subjects(head, cues, depth + 1)
        return heads, rule
    purpose = v.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("à", "de", "to") for c in v.children) \
        or v.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)
    if v.dep_ == "xcomp" or purpose:
        # a reflexive clitic ("se dit disposée à retirer") controls nothing
        ctrl = [o for o in syntax.objects(head) + syntax.iobjects(head) if "Yes" not in o.morph.get("Reflex")]
        lemma = head.lemma_.lower()
        # an infinitive complement is controlled by the object by default ("urged Beijing to use");
        # an adverbial purpose clause only by an object-control verb ("shunned work to protest": the
        # subject protests, not the work)
        if ctrl and (lemma in cues.object_control or (v.dep_ == "xcomp" and lemma not in cues.subject_control)):
            return ctrl, "xcomp-object-control"
        heads, _ = find_subjects(head, cues, depth + 1)
        if not heads and v.dep_ == "xcomp":
            # control through a passive: "Syria was forced/asked to withdraw", "is committed to open"
            heads = syntax.passive_subjects(head)
        return heads, "xcomp-subject-control"
    if v.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
        heads, _ = find_subjects(head, cues, depth + 1)
        if not heads and _active_conjunct(v):
            # "the minister has been indicted and will resign": the passive subject of the first
            # conjunct is the active subject of the second (not so "was arrested and charged")
            heads = syntax.passive_subjects(head)
        return heads, "conj-shared-subject"
    if v.dep_ == "pcomp" and head.dep_ == "prep" and head.head != head:
        # a gerund after a preposition of a predicate: "are guilty of violating" (the subject of the
        # copula), "accused Israel of violating" (the object), "was accused of violating" (the passive
        # subject), "attacked the town after ambushing" (the subject)
        gov = head.head
        if gov.pos_ == "ADJ" and gov.dep_ in ("acomp", "amod", "oprd"):
            heads, _ = find_subjects(gov, cues, depth + 1)
            return heads, "gerund-control"
        if gov.pos_ in ("VERB", "AUX"):
            objs = syntax.objects(gov)
            if objs and head.lower_ in ("of", "from", "for"):
                return objs, "gerund-control"
            heads, _ = find_subjects(gov, cues, depth + 1)
            if not heads:
                heads = syntax.passive_subjects(gov)
            return heads, "gerund-control"
    if v.dep_ in syntax.RELCL:
        return [head], "relcl"
    if _finite_acl_subject(v):
        return [head], "finite-acl-subject"
    if v.dep_ == "advmod" and head.pos_ in ("VERB", "AUX"):  # French "pourrait" parsed as advmod
        heads, _ = find_subjects(head, cues, depth + 1)
        return heads, "xcomp-subject-control"
    if v.dep_ == "advcl" and head.pos_ in ("VERB", "AUX") and "Part" in v.morph.get("VerbForm") \
            or v.dep_ == "advcl" and "Ger" in v.morph.get("VerbForm"):
        heads, _ = find_subjects(head, cues, depth + 1)
        return heads, "advcl-shared-subject"
    stranded = syntax.stranded_perfect_subjects(v)
    if stranded:
        return stranded, "subject"
    if syntax.perfect_participle_on_subject(v):
        return [head], "subject"
    lost = syntax.lost_subject(v)
    if lost:
        return lost, "subject-repair"
    return [], None


def _active_conjunct(v: Token) -> bool:
    """A conjunct with its own active auxiliary ("and **will** resign", "et **a** démissionné") or a
    non-participle form ("et va démissionner"): it does not share the passive of the verb it is
    coordinated with."""
    kids = list(v.children)
    if any(c.dep_ in ("auxpass", "aux:pass") for c in kids) or "Pass" in v.morph.get("Voice"):
        return False
    return any(c.dep_ in syntax.AUX for c in kids) or "Part" not in v.morph.get("VerbForm")


def _etre_compound(v: Token, cues: EventCues) -> bool:
    """ "le président est revenu sur son engagement": a verb conjugated with "être" and an active
    subject, no agent, is a compound tense the parser took for a passive."""
    return v.lemma_.lower() in cues.unaccusative_verbs and not syntax.agents(v) and bool(syntax.subjects(v))


def _finite_acl_subject(v: Token) -> bool:
    """A finite indicative/conditional verb hung as ``acl`` on the noun just before it, with no subject,
    mark or relative pronoun of its own: the parser lost the clause and the noun is its subject
    ("En vertu du plan, **Israël évacuera** les colonies")."""
    if v.dep_ != "acl" or "Fin" not in v.morph.get("VerbForm") or \
            not set(v.morph.get("Mood")) & {"Ind", "Cnd"}:
        return False
    head = v.head
    if head.pos_ not in ("NOUN", "PROPN") or not head.i < v.i or \
            any(c.dep_ == "mark" or c.dep_ in syntax.SUBJ for c in v.children):
        return False
    gap = [v.doc[i] for i in range(head.i + 1, v.i)]
    return len(gap) <= 3 and all(t.pos_ in ("ADV", "PRON", "AUX", "PART") and t.head == v for t in gap)


def _speaker(verb: Token, idx: MentionIndex, cues: EventCues) -> list[Participant]:
    out: list[Participant] = []
    heads = [s for s in syntax.subjects(verb)]
    if not heads:  # French inversion: "a annoncé mercredi le ministère" (parsed as obj)
        heads = [o for o in syntax.objects(verb) if o.i > verb.i]
    for h in heads:
        for c in syntax.conjuncts(h):
            out.extend(np_participants(c, idx, cues, "speaker"))
    return out


def reporters(pred: Token, idx: MentionIndex, cues: EventCues) -> list[Participant]:
    """Sources of reported speech around the clause of ``pred``."""
    out: list[Participant] = []
    t = pred
    for _ in range(3):  # climb conj/xcomp to the clause head
        if t.dep_ in ("conj", "xcomp") and t.head != t:
            t = t.head
        else:
            break
    head = t.head
    if t.dep_ in ("ccomp", "advcl", "parataxis") and head.lemma_.lower() in cues.speech_verbs:
        out.extend(_speaker(head, idx, cues))
    for c in t.children:
        if c.dep_ in ("parataxis", "ccomp", "advcl", "conj") and c.lemma_.lower() in cues.speech_verbs \
                and not any(x.dep_ == "ccomp" for x in c.children):
            out.extend(_speaker(c, idx, cues))
    # "selon X", "according to X" anywhere in the sentence
    sent = pred.sent
    for tok in sent:
        for p, n in syntax.preps(tok):
            if p in cues.source_preps:
                out.extend(np_participants(n, idx, cues, "source"))
    seen: set[Any] = set()
    uniq = []
    for p in out:
        if p.key() not in seen:
            seen.add(p.key())
            uniq.append(p)
    return uniq


# ----------------------------------------------------------------------------- hints


def _state_complement(verb: Token) -> bool:
    """A participle with a "to"/"à"/"de" complement (infinitive or noun): "committed to peace",
    "determined to negotiate", "résolu à négocier"."""
    for c in verb.children:
        if c.dep_ in ("prep", "xcomp") and c.lower_ in ("to", "à", "de"):
            return True
        if c.dep_ == "xcomp" or (c.dep_ in ("obl", "obl:arg") and any(
                x.dep_ in ("case", "mark") and x.lower_ in ("à", "de", "to") for x in c.children)):
            return True
    return False


def _own_possession(noun: Token) -> bool:
    """ "withdraw **its** troops", "retirer **ses** troupes": an object the subject possesses
    (third-person possessive pronoun or determiner) is the actor's own, not a recipient."""
    return any(c.dep_ in ("poss", "nmod:poss", "det", "det:poss") and "Yes" in c.morph.get("Poss")
               and "Prs" in c.morph.get("PronType") and "3" in c.morph.get("Person", ["3"])
               for c in noun.children)


def _hint_heads(hint: str, tok: Token, cues: EventCues, *, passive: bool,
                rules: list[str], det_poss: bool = False) -> list[tuple[Token, str]]:
    """Argument heads that a lexicon hint designates, from ``tok``."""
    if hint == "nsubj":
        if passive:
            return [(a, "agent") for a in syntax.agents(tok)]
        heads, rule = find_subjects(tok, cues)
        if heads and rule:
            rules.append(rule)
        return [(h, "nsubj") for h in heads]
    if hint == "obj":
        if passive:
            return [(s, "obj") for s in syntax.subjects(tok) if syntax.passive_subject(s)]
        objs = syntax.objects(tok)
        if not objs and tok.pos_ in ("VERB", "AUX"):
            # French partitive article parsed as a preposition: "attaqué des soldats" (obl:arg + case "des")
            objs = [c for c in tok.children if c.dep_ == "obl:arg" and c.i > tok.i
                    and any(x.dep_ == "case" and x.lower_ in ("des", "du") for x in c.children)]
        if tok.pos_ in ("VERB", "AUX"):
            objs = objs + [o for o in _swallowed_objects(tok, cues.lang) if o not in objs]
        return [(o, "obj") for o in objs]
    if hint == "iobj":
        return [(o, "iobj") for o in syntax.iobjects(tok)]
    if hint == "poss":
        # French possessive determiners ("**sa** demande", "**leur** enquête") are ``det`` with Poss=Yes;
        # read only for words and meetings (``det_poss``): "leur arrestation" names who was arrested
        return [(c, "poss") for c in tok.children if c.dep_ in ("poss", "nmod:poss")
                or det_poss and c.dep_ in ("det", "det:poss") and "Yes" in c.morph.get("Poss")
                and "3" in c.morph.get("Person", ["3"])]
    if hint in ("amod", "compound"):
        return [(c, hint) for c in tok.children if c.dep_ == hint]
    if hint == "comp":
        return []
    if hint.startswith("prep:"):
        want = syntax.norm_prep(hint[5:])
        return [(n, hint) for p, n in syntax.preps(tok) if p == want]
    return []


def _swallowed_objects(verb: Token, lang: str) -> list[Token]:
    """The object the parser hung under a day or month name right after the verb: "a tué **vendredi**
    trois Albanais", "ont bombardé dimanche et lundi Juba" (the noun is a caseless ``nmod`` of the date)."""
    from dragoman.dates import date_words

    words = date_words(lang)
    out = []
    for c in verb.children:
        if c.i < verb.i or c.lower_ not in words:
            continue
        for t in syntax.conjuncts(c) + [x for x in c.children if x.dep_ == "conj"]:
            for g in t.children:
                if g.dep_ in ("nmod", "appos", "flat:name", "flat") and g.i > t.i and g.pos_ in ("NOUN", "PROPN") and \
                        not any(x.dep_ == "case" for x in g.children) and g not in out:
                    out.append(g)
    if not out and not syntax.objects(verb):
        # the reverse: "ont de nouveau rejeté **vendredi** un plan": the parser made the object the root
        # of the sentence and hung the verb (through its subject) and the date under it
        j = verb.i + 1
        while j < len(verb.doc) and verb.doc[j].lower_ in words:
            j += 1
        if j > verb.i + 1:
            while j < len(verb.doc) and verb.doc[j].pos_ in ("DET", "NUM", "ADJ"):
                j += 1
            if j < len(verb.doc):
                noun = verb.doc[j]
                if noun.pos_ in ("NOUN", "PROPN") and noun.dep_ == "ROOT" and verb.dep_ != "ROOT" \
                        and noun.is_ancestor(verb):
                    out.append(noun)
    return out


def resolve_pronoun(pron: Token, idx: MentionIndex, cues: EventCues,
                    fallback: Callable[[], list[Participant]] | None = None) -> list[Participant]:
    """A third-person pronoun the actors stage left unresolved: the subject of the nearest
    governing clause ("Syria says **it** will…", "the rebels said **they** would…"), else the
    actors of the previous event."""
    if pron.lower_ not in cues.personal_pronouns:
        return []  # only third-person personal pronouns ("Kiev" mis-tagged PRON is not one)
    # a subject's clause is headed by its head word, whatever the tagger called it ("qu'ils
    # **boycotteraient**" tagged as a noun still heads the clause the pronoun is subject of)
    own = pron.head if pron.dep_ in syntax.SUBJ else syntax.predicate_of(pron)
    if pron.dep_ in ("poss", "nmod:poss", "det", "det:poss") and own.pos_ in ("VERB", "AUX"):
        # a possessive refers to the subject of its own clause first: "the UN reiterated **its**
        # demand", "l'ONU a réitéré **sa** demande"
        for s in find_subjects(own, cues)[0]:
            if s.i == pron.i or s.pos_ == "PRON":
                continue
            parts = [p for c in syntax.conjuncts(s) for p in np_participants(c, idx, cues, "pronoun")]
            if parts:
                return parts
    t = own
    for _ in range(6):
        if t.head == t:
            break
        t = t.head
        if t.pos_ not in ("VERB", "AUX"):
            continue
        for s in syntax.subjects(t):
            if s.i == pron.i or s.pos_ == "PRON":
                continue
            parts = []
            for c in syntax.conjuncts(s):
                parts.extend(np_participants(c, idx, cues, "pronoun"))
            if parts:
                return parts
    if fallback is not None:
        return [Participant(p.actor, p.mention, "pronoun") for p in fallback()]
    return []


def _collect(hints: Iterable[str], toks: list[Token], idx: MentionIndex, cues: EventCues, *,
             passive: bool, rules: list[str], explicit: frozenset[str],
             fallback: Callable[[], list[Participant]] | None = None,
             skip_own: bool = False, det_poss: bool = False) -> list[Participant]:
    out: list[Participant] = []
    for hint in hints:
        # the subject is the head word's ("affirmé que Kiev devait": Kiev is not the speaker)
        for tok in (toks[:1] if hint == "nsubj" else toks):
            for head, via in _hint_heads(hint, tok, cues, passive=passive, rules=rules, det_poss=det_poss):
                for h in syntax.conjuncts(head):
                    if via.startswith("prep:") and _prep_inside_name(h, idx):
                        continue  # "Corée du Nord": the "du" is part of a name, not a complement
                    parts = np_participants(h, idx, cues, via)
                    if skip_own and via == "obj" and _own_possession(h):
                        # "withdraw its troops": the actor's own, unless named ("its ally Syria")
                        parts = [p for p in parts if named_country(p.actor)]
                    if not parts and (h.pos_ == "PRON" or h.pos_ == "DET" and "Yes" in h.morph.get("Poss")) \
                            and "Rel" not in h.morph.get("PronType"):
                        parts = resolve_pronoun(h, idx, cues, fallback)
                        if parts:
                            rules.append("pronoun")
                    prep = syntax.prep_of(h)
                    if via.startswith("prep:") and prep in cues.locative_preps and hint not in explicit:
                        # a capital or country in a locative phrase is a place, not a participant
                        parts = [p for p in parts if p.mention is None or p.mention.kind not in _STATE_KINDS]
                    out.extend(parts)
        if out and hint == "nsubj":
            break
    return out


def _prep_inside_name(noun: Token, idx: MentionIndex) -> bool:
    m = idx.covering(noun)
    if m is None:
        return False
    case = [x for x in noun.children if x.dep_ == "case"]
    if noun.dep_ == "pobj":
        case.append(noun.head)
    return any(m.token_start <= c.i < m.token_end for c in case)


def _dedupe(parts: list[Participant]) -> list[Participant]:
    seen: dict[Any, Participant] = {}
    for p in parts:
        k = (p.actor.code or p.actor.country, p.actor.sector) if (p.actor.code or p.actor.country) \
            else (None, p.actor.sector, p.actor.name or p.actor.text)
        if k not in seen:
            seen[k] = p
    return list(seen.values())


def repair_coordination(parts: list[Participant], idx: MentionIndex, doc, pred: Token) -> list[Participant]:
    """Add mentions adjacent through et/and/"," that the parser left out."""
    if not parts:
        return parts
    out = list(parts)
    conj_words = {"et", "and", ",", "ainsi", "&"}

    def blocked(m: ActorMention) -> bool:
        h = mention_head(m, doc)
        if h.dep_ in syntax.SUBJ and h.i < pred.i < h.head.i:
            # "Les États-Unis et la Jordanie se sont mis d'accord ..., a annoncé X": the parser made
            # the first conjunct the subject of a verb beyond the trigger; it is the trigger's subject
            return False
        return ((h.dep_ in syntax.SUBJ or h.dep_ in syntax.SUBJ_PASS or h.dep_ in syntax.OBJ)
                and h.head != pred) or syntax.prep_of(h) not in (None, "de", "of")

    for p in parts:
        m = p.mention
        if m is None:
            continue
        # leftwards: "Washington et Séoul", "A, B et C"
        cur = m
        while cur.token_start - 2 >= 0:
            j = cur.token_start - 1
            while j > 0 and doc[j].pos_ == "DET":  # "Les États-Unis et **la** Jordanie"
                j -= 1
            link = doc[j]
            if link.lower_ not in conj_words or j - 1 < 0:
                break
            left = idx.ending_at(j - 1)
            if left is None or any(q.mention is left for q in out) or blocked(left) or not usable(left.actor):
                break
            out.append(_participant(left, "coordination-repair"))
            cur = left
        # rightwards: "Séoul et Tokyo", unless the next mention is another clause's argument
        cur = m
        while cur.token_end + 1 < len(doc):
            link = doc[cur.token_end]
            if link.lower_ not in conj_words:
                break
            j = cur.token_end + 1
            while j < len(doc) - 1 and doc[j].pos_ == "DET":
                j += 1
            right = idx.starting_at(j)
            if right is None or any(q.mention is right for q in out) or blocked(right) or not usable(right.actor):
                break
            out.append(_participant(right, "coordination-repair"))
            cur = right
    return out


# ----------------------------------------------------------------------------- main entry


def attach(match: Any, head_tok: Token, idx: MentionIndex, lang: str, *,
           previous: Callable[[], list[Participant]] | None = None,
           previous_event_actors: Callable[[Token, bool], list[Participant]] | None = None,
           previous_actors: Callable[[], list[Participant]] | None = None,
           trigger_types: Callable[[int], set[str]] | None = None) -> Attachment:
    """Actors, recipients and reported speech sources of one trigger match.

    ``match`` is a ``TriggerMatch`` (doc-level token indices), ``head_tok`` the
    spaCy token at ``match.head``.

    ``previous`` returns the participants of the last event coded before this
    trigger (for "the two leaders"); ``previous_event_actors`` the actors of
    the event an object noun refers to (for "condemned the act"; the flag says the
    noun is a generic act noun from ``act_nouns``); ``previous_actors`` the actors of
    the previous event (for an unresolved pronoun subject); ``trigger_types`` the event types of the
    triggers headed by a token of the sentence (for "threw stones during demonstrations").
    """
    cues = load_event_cues(lang)
    entry = match.entry
    args = entry.args
    span_doc = head_tok.doc
    res = Attachment()
    toks = [span_doc[i] for i in range(match.token_start, match.token_end)]
    toks.sort(key=lambda t: t.i != head_tok.i)  # head first
    is_noun = head_tok.pos_ in ("NOUN", "PROPN") or (entry.pos == "NOUN" and head_tok.pos_ not in ("VERB", "AUX"))
    if is_noun and entry.pos == "VERB" and head_tok.pos_ == "NOUN" and syntax.finite_clause_noun(head_tok):
        # a verb form tagged as a noun that heads its own clause ("qu'ils **boycotteraient** tout
        # contact"): read it as the verb it is, so a pronoun subject resolves and its object counts
        is_noun = False
    passive = (not is_noun) and syntax.is_passive(head_tok) and not _etre_compound(head_tok, cues)
    explicit = frozenset(args.actor) | frozenset(args.recipient)
    rules: list[str] = []
    # cooperation moves the actor's own people and things ("withdraw its troops", "sent its doctors")
    cooperative = entry.quad_class in (1, 2)

    if is_noun:
        # the entry's hints first, then the defaults the entry does not give to the other role
        actor_hints = tuple(dict.fromkeys(args.actor + tuple(h for h in cues.noun_actor if h not in args.recipient)))
        rec_hints = tuple(dict.fromkeys(args.recipient + tuple(h for h in cues.noun_recipient
                                                                 if h not in args.actor and h not in actor_hints)))
    else:
        actor_hints = args.actor or cues.verb_actor
        rec_hints = args.recipient or cues.verb_recipient
        if entry.type == "MOBILIZE" and not args.recipient:
            # the troops or weapons mobilized are the actor's own; the target is named apart
            # ("mobilized reservists for a war against Iraq")
            rec_hints = tuple(h for h in rec_hints if h != "obj")
        last = span_doc[match.token_end - 1]
        if not args.recipient and entry.is_phrase and last.pos_ == "ADP" and last.i != head_tok.i:
            # "s'emparer de", "tirer sur": the phrase's own preposition introduces the target
            rec_hints = (*rec_hints, "prep:" + syntax.norm_prep(last.lower_))

    if is_noun:
        actors = _collect([h for h in actor_hints if h not in ("nsubj", "obj")], toks, idx, cues,
                          passive=False, rules=rules, explicit=explicit, det_poss=entry.quad_class in (1, 3))
        if actors:
            rules.append("nominal")
        elif not any(c.dep_ == "cop" for c in head_tok.children):
            # a verb form tagged as a noun keeps its subject: "La Croatie **enquête** sur des crimes"
            for sub in syntax.subjects(head_tok):
                if sub.dep_ in syntax.SUBJ:
                    for c in syntax.conjuncts(sub):
                        actors.extend(np_participants(c, idx, cues, "nsubj"))
            if actors:
                rules.append("subject")
        recips = _collect([h for h in rec_hints if h not in ("nsubj", "obj")], toks, idx, cues,
                          passive=False, rules=rules, explicit=explicit)
        # participants must not double as both roles through the same genitive
        recips = [r for r in recips if all(r.mention is not a.mention for a in actors)]
        verb, rel = syntax.governing_noun_verb(head_tok)
        support = verb is not None and (verb.lemma_.lower() in cues.support_verbs
                                        or verb.i in range(match.token_start, match.token_end)
                                        # "Italy announced a suspension of air links"
                                        or (rel == "obj" and verb.lemma_.lower() in cues.speech_verbs))
        if support and rel != "subj":
            # the support verb's subject acts, unless the noun names its own actor; a genitive whose
            # country is only inferred ("the withdrawal of some forces": the forces moved) gives way to
            # a subject that names one ("the United States speeded up the withdrawal of some forces")
            guessed = not any(named_country(a.actor) for a in actors)
            if not actors or guessed:
                subj: list[Participant] = []
                heads = syntax.agents(verb) if syntax.is_passive(verb) else find_subjects(verb, cues)[0]
                for h in heads:
                    for c in syntax.conjuncts(h):
                        subj.extend(np_participants(c, idx, cues, "support-subject"))
                if subj and (not actors or any(named_country(p.actor) for p in subj)):
                    actors = subj
                    rules.append("support-verb")
            if not recips:
                recips = _collect([h for h in rec_hints if h.startswith("prep:")] + ["iobj"], [verb], idx, cues,
                                  passive=False, rules=rules, explicit=explicit)
        elif not actors or all(not a.actor.country for a in actors):
            frame = _participation(head_tok, cues)
            if frame is not None:
                pverb, pprep = frame
                # "negotiators returned to Geneva for talks", "were engaged in ethnic cleansing": the
                # verb's subject takes part in the event the noun names (only the subject: the verb's
                # own complements are its destination or its object)
                heads = syntax.passive_subjects(pverb) if syntax.is_passive(pverb) else find_subjects(pverb, cues)[0]
                subj = [p for h in heads for c in syntax.conjuncts(h)
                        for p in np_participants(c, idx, cues, "participation")]
                if subj:
                    actors = subj
                    rules.append("participation")
                    if not recips:
                        # "engaged in ethnic cleansing in Montenegro against the Albanians": a target
                        # hung on the verb; not its destination or purpose ("returned to Geneva for")
                        skip = cues.destination_preps | {pprep}
                        hints = [h for h in rec_hints if h.startswith("prep:") and h[5:] not in skip]
                        recips = [r for r in _collect(hints, [pverb], idx, cues, passive=False, rules=rules,
                                                      explicit=explicit)
                                  if r.key() not in {a.key() for a in actors}]
    else:
        if args.swap:
            # the grammatical subject is the recipient; the actor is named by the entry, else the object
            swap_actor = [h for h in args.actor if h != "nsubj"] or ["obj", "iobj"]
            actors = _collect(swap_actor, toks, idx, cues, passive=passive, rules=rules, explicit=explicit)
            recips = _collect(["nsubj"] + [h for h in rec_hints if h != "nsubj"], toks, idx, cues,
                              passive=passive, rules=rules, explicit=explicit)
            rules.append("swap")
        else:
            if passive and entry.quad_class == 1 and not syntax.agents(head_tok) and _state_complement(head_tok):
                # adjectival passive of an attitude: "Vietnam is committed to opening", "est résolu à
                # négocier": the subject holds the attitude (it is not its target)
                passive = False
                rules.append("stative-passive")
                actors = [replace(p, via="nsubj") for p in _collect(["obj"], toks[:1], idx, cues, passive=True,
                                                                      rules=rules, explicit=explicit,
                                                                      fallback=previous_actors)]
            else:
                actors = _collect(actor_hints, toks, idx, cues, passive=passive, rules=rules, explicit=explicit,
                                  fallback=previous_actors)
            if passive and actors:
                rules.append("passive-agent")
            elif actors and "subject" not in rules and not any(r.startswith(("xcomp", "conj", "relcl", "advcl", "finite", "subject-"))
                                                               for r in rules):
                rules.append("subject")
            recips = _collect(rec_hints, toks, idx, cues, passive=passive, rules=rules, explicit=explicit,
                              skip_own=cooperative)
        if not actors and head_tok.dep_ == "acl" and passive:
            rules.append("participle")
        active_participle = head_tok.dep_ == "acl" and "Part" in head_tok.morph.get("VerbForm") \
            and "Pres" in head_tok.morph.get("Tense") and head_tok.head.pos_ in ("NOUN", "PROPN")
        if active_participle and not actors:
            # "demonstrators demanding reforms": the noun acts; "issued a declaration demanding that…",
            # "a publié une déclaration exigeant…": a document or act noun speaks for whoever issued it
            noun = head_tok.head
            actors = np_participants(noun, idx, cues, "participle-agent")
            if actors:
                rules.append("participle-agent")
            else:
                verb, rel = syntax.governing_noun_verb(noun)
                if verb is not None and rel == "obj":
                    for h in find_subjects(verb, cues)[0]:
                        for c in syntax.conjuncts(h):
                            actors.extend(np_participants(c, idx, cues, "participle-host"))
                    if actors:
                        rules.append("participle-host")
        if head_tok.dep_ == "acl" and "Part" in head_tok.morph.get("VerbForm") and not recips \
                and not active_participle and head_tok.head.pos_ in ("NOUN", "PROPN") \
                and not syntax.perfect_participle_on_subject(head_tok) and not syntax.lost_main_verb(head_tok):
            recips = np_participants(head_tok.head, idx, cues, "participle-patient")
            if recips:
                rules.append("participle")

    # "conceded to demands from the rebels", "rejected accusations by Serbia": the author of the demand,
    # proposal or accusation the reaction answers (a noun trigger of a verbal type) is its counterpart
    if not recips and not is_noun and entry.type in _AUTHOR_COUNTERPART and not args.symmetric \
            and not args.swap and trigger_types is not None:
        akeys = {a.key() for a in actors}
        author_hints = [h for h in cues.noun_actor if h not in ("nsubj", "obj")]
        for hint in [h for h in rec_hints if h == "obj" or h.startswith("prep:")]:
            for n, _via in _hint_heads(hint, head_tok, cues, passive=passive, rules=[]):
                if n.pos_ == "NOUN" and idx.covering(n) is None and trigger_types(n.i) & _VERBAL_TYPES:
                    recips.extend(p for p in _collect(author_hints, [n], idx, cues, passive=False, rules=[],
                                                      explicit=frozenset()) if p.key() not in akeys)
        if recips:
            rules.append("author-counterpart")

    # "threw stones during demonstrations against the army": the target of the event the act is part of
    # (the time phrase may hang on any verb of the trigger: "ont **eu** recours aux jets de pierres lors de")
    if not recips and not args.symmetric:
        akeys = {a.key() for a in actors}
        recips = [r for t in toks if t.pos_ in ("VERB", "AUX")
                  for r in _accompanying_recipients(t, entry.type, idx, cues, trigger_types) if r.key() not in akeys]
        if recips:
            rules.append("accompanying")

    # "offered to hand over to Great Britain", "threatened further action against Russia",
    # "a promis de poursuivre son aide au Mozambique": the complement's own recipient
    if not recips and not is_noun and not args.symmetric and not args.destination:
        rec_preps = [h for h in cues.noun_recipient if h.startswith("prep:")]
        comps = [c for c in head_tok.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
        for c in comps:
            recips.extend(_collect(["obj", "iobj", *rec_preps], [c], idx, cues, passive=syntax.is_passive(c),
                                   rules=[], explicit=frozenset(), skip_own=cooperative))
        nouns = [o for c in [head_tok, *comps] for o in syntax.objects(c)]
        if not recips:
            for n in nouns:
                recips.extend(_collect(rec_preps, [n], idx, cues, passive=False, rules=[],
                                       explicit=frozenset()))
        akeys = {a.key() for a in actors}
        recips = [r for r in recips if r.key() not in akeys]
        if recips:
            rules.append("complement-recipient")

    # "a rejeté une offre américaine", "rejected a UN appeal": the author of the proposal, appeal or
    # accusation named in a verbal phrase is its counterpart (even when the parser lost the object)
    if not recips and actors and not is_noun and entry.is_phrase and entry.type in _AUTHOR_COUNTERPART \
            and not args.symmetric and not args.swap:
        akeys = {a.key() for a in actors}
        for t in toks:
            if t.i != head_tok.i and t.pos_ in ("NOUN", "PROPN") and idx.covering(t) is None:
                recips.extend(p for p in np_participants(t, idx, cues, "phrase-noun") if p.key() not in akeys)
        if recips:
            rules.append("phrase-noun")

    # "demanded that the US cancel…", "a exigé que Pékin…": the subject of the complement clause
    if not recips and not is_noun and entry.quad_class in (1, 3) and not args.symmetric:
        for c in head_tok.children:
            if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX"):
                for sub in syntax.subjects(c):
                    for h in syntax.conjuncts(sub):
                        recips.extend(np_participants(h, idx, cues, "ccomp-subject"))
        if recips:
            rules.append("ccomp-subject")

    # "its demand that Israel ease…", "sa demande qu'Israël assouplisse…", "an inquiry into allegations
    # that the police tortured…": the subject of a demand's or an accusation's complement clause
    if not recips and is_noun and entry.type in _CLAUSE_TARGET and not args.symmetric:
        hosts = [head_tok]
        verb = syntax.governing_noun_verb(head_tok)[0]
        for tok in [head_tok] + ([verb] if verb is not None else []):
            hosts.extend(n for p, n in syntax.preps(tok) if f"prep:{p}" in rec_hints and n not in hosts)
        akeys = {a.key() for a in actors}
        for host in hosts:
            for clause in syntax.complement_clauses(host):
                for sub in syntax.subjects(clause):
                    for h in syntax.conjuncts(sub):
                        recips.extend(p for p in np_participants(h, idx, cues, "clause-subject")
                                      if p.key() not in akeys)
        if recips:
            rules.append("clause-subject")

    # "Serbia lifted a curfew in Montenegro", "frappes à Gaza": a material action with no target
    # is aimed at the country where it happens (never for meetings and statements)
    if not recips and entry.quad_class in (2, 4) and not args.destination and not args.symmetric:
        acountries = {a.actor.country for a in actors}
        for tok in toks:
            for p, n in syntax.preps(tok):
                if p in cues.locative_preps or p in cues.destination_preps:
                    for part in np_participants(n, idx, cues, "location"):
                        if part.mention is not None and part.mention.kind in _STATE_KINDS and \
                                part.actor.country not in acountries:
                            recips.append(_as_country(part, "location"))
        if recips:
            rules.append("location-recipient")

    # travel verbs and nouns: the country of the place visited is the recipient
    if args.destination:
        dest: list[Participant] = []
        for tok in toks:
            for p, n in syntax.preps(tok):
                if p in cues.destination_preps:
                    for c in syntax.conjuncts(n):
                        for part in np_participants(c, idx, cues, "destination"):
                            dest.append(_as_country(part))
        if not dest and not is_noun:
            for o in syntax.objects(head_tok):
                for c in syntax.conjuncts(o):
                    dest.extend(_as_country(p) for p in np_participants(c, idx, cues, "destination"))
        if dest:
            rules.append("destination")
            recips = [r for r in recips if r.via not in ("obj",)] + dest

    actors = repair_coordination(actors, idx, span_doc, head_tok)
    recips = repair_coordination(recips, idx, span_doc, head_tok)
    if any(p.via == "coordination-repair" for p in actors + recips):
        rules.append("coordination-repair")

    # the parser lost the clause (French md model: "rencontrera" tagged punct): adjacent mentions
    if not is_noun and _broken_parse(head_tok) and (not actors or not recips):
        left, right = _adjacent_mentions(toks, idx, span_doc, cues)
        if not actors and left is not None:
            actors = [_participant(left, "adjacency")]
            rules.append("adjacency-fallback")
        if not recips and right is not None and not args.symmetric:
            recips = [_participant(right, "adjacency")]
            rules.append("adjacency-fallback")

    # "the two leaders signed": the participants of the previous event
    if previous is not None and not any(a.actor.country or a.actor.code for a in actors):
        subj_heads = find_subjects(head_tok, cues)[0] if not is_noun else []
        if is_noun:
            verb, rel = syntax.governing_noun_verb(head_tok)
            if verb is not None and rel != "subj":
                subj_heads = find_subjects(verb, cues)[0]
        for h in subj_heads:
            cov = idx.covering(h)
            if (cov is None or not (cov.actor.country or cov.actor.code)) and \
                    any(c.lower_ in cues.pair_words for c in h.children):
                prev = previous()
                if len(prev) >= 2:
                    actors = [Participant(p.actor, p.mention, "pair-anaphora") for p in prev]
                    rules.append("pair-anaphora")
                break

    # "Séoul a condamné un acte de provocation": the author of the act condemned
    reaction = entry.quad_class in (1, 3) or entry.type == "PROTEST"
    if not recips and reaction and previous_event_actors is not None and not is_noun and not args.symmetric:
        span_range = range(match.token_start, match.token_end)
        objs = [o for o in (syntax.objects(head_tok) if not passive else []) if o.i not in span_range]
        if objs and not any(m for o in objs for t in o.subtree for m in idx.at(t.i)):
            akeys = {a.key() for a in actors}
            prev = [p for p in previous_event_actors(objs[0], objs[0].lemma_.lower() in cues.act_nouns)
                    if p.key() not in akeys]
            if prev:
                recips = [Participant(p.actor, p.mention, "object-event-anaphora") for p in prev]
                rules.append("object-event-anaphora")

    # "US officials said that lifting the sanctions on Burma is out of the question", "une levée de l'embargo
    # est exclue, a déclaré le ministre": an idiom of refusal with no subject of its own is the speaker's,
    # and what it rules out names the recipient
    clause = _idiom_clause(head_tok, is_noun) if "speaker" in args.actor else None
    if clause is not None and not actors:
        speakers = reporters(clause, idx, cues)
        if not speakers and clause.dep_ in syntax.OBJ and clause.head.lemma_.lower() in cues.speech_verbs:
            speakers = _speaker(clause.head, idx, cues)  # "a déclaré qu'une levée est hors de question" mis-parsed
        if speakers:
            actors = [Participant(p.actor, p.mention, "speaker") for p in speakers]
            rules.append("speaker")
    if clause is not None and not recips and actors and (is_noun or passive or head_tok.pos_ == "ADJ"):
        # the subject of "is out of the question" / "est exclue" is what is ruled out, not who rules it out
        akeys = {a.key() for a in actors}
        for sub in syntax.subjects(clause):
            for t in sub.subtree:
                m = idx.covering(t)
                if m is not None and usable(m.actor) and mention_head(m, t.doc) == t:
                    part = _participant(m, "ruled-out")
                    if part.key() not in akeys:
                        recips.append(part)
        if recips:
            rules.append("ruled-out")

    actors = _dedupe(actors)
    recips = _dedupe(recips)
    if args.symmetric and not (actors and recips and any(r.via in ("obj", "iobj") or r.via.startswith("prep:")
                                                         for r in recips)):
        # "X and Y met", "talks between X and Y": everyone is an actor; but "X met Y" keeps its direction
        actors = _dedupe(actors + recips)
        recips = []
        rules.append("symmetric")
    else:
        # the same participant on both sides is the parser picking the same phrase twice
        akeys = {a.key() for a in actors}
        recips = [r for r in recips if r.key() not in akeys]
    res.actors, res.recipients = _ordered(actors), _ordered(recips)
    pred = head_tok if not is_noun else (syntax.governing_noun_verb(head_tok)[0] or head_tok)
    taken = {p.key() for p in actors + recips}
    res.reported_by = [p for p in reporters(pred, idx, cues) if p.key() not in taken]
    if res.reported_by:
        rules.append("reported-speech")
    res.rules = rules
    return res


def _participation(noun: Token, cues: EventCues) -> tuple[Token, str] | None:
    """The verb whose subject takes part in the event a noun trigger names, and the preposition
    that joins them, through a frame of ``participation_frames`` ("return for talks", "participer à
    une grève"); "said during the talks" is none (an act during an event of its own type is that
    event: ``_accompanying_recipients``)."""
    verb, prep = syntax.noun_prep_verb(noun)
    if verb is None or f"{verb.lemma_.lower()} {prep}" not in cues.participation_frames:
        return None
    return verb, prep


def _accompanying_recipients(verb: Token, etype: str, idx: MentionIndex, cues: EventCues,
                             trigger_types: Callable[[int], set[str]] | None) -> list[Participant]:
    """The target of the event a verb trigger takes place in: "threw stones during demonstrations
    **against the army**" (the noun of an accompanying preposition, a trigger of the same type)."""
    if trigger_types is None:
        return []
    out: list[Participant] = []
    rec_preps = [h for h in cues.noun_recipient if h.startswith("prep:")]
    for t in verb.subtree:
        if t.pos_ not in ("NOUN", "PROPN") or etype not in trigger_types(t.i):
            continue
        v, prep = syntax.noun_prep_verb(t)
        if v is not None and v.i == verb.i and prep in cues.accompanying_preps:
            out.extend(_collect(rec_preps, [t], idx, cues, passive=False, rules=[], explicit=frozenset()))
    return out


def _idiom_clause(tok: Token, is_noun: bool) -> Token:
    """The predicate an idiom of refusal heads: the noun or adjective itself when it has a copula
    ("**hors de question**", "est exclue"), else the verb above it ("is **out of the question**")."""
    if not is_noun and tok.pos_ in ("VERB", "AUX"):
        return tok
    if any(c.dep_ == "cop" for c in tok.children) or syntax.subjects(tok):
        return tok
    return syntax.predicate_of(tok)


def _as_country(part: Participant, via: str = "destination") -> Participant:
    """A visited place stands for its country (no sector): "visited Pyongyang" -> PRK."""
    a = part.actor
    if a.country and (a.code != a.country or a.sector):
        a = replace(a, sector=None, code=a.country, office=None, qid=None)
    return Participant(a, part.mention, via)


def _ordered(parts: list[Participant]) -> list[Participant]:
    """Participants in text order (coordination repair appends the left ones last)."""
    return sorted(parts, key=lambda p: p.mention.token_start if p.mention is not None else 1 << 30)


def _broken_parse(tok: Token) -> bool:
    if tok.dep_ not in _PRED_DEPS:
        return True
    roots = [t for t in tok.sent if t.dep_ == "ROOT"]
    return len(roots) > 1 and not syntax.subjects(tok)


# Tokens that may stand between a verb and its adjacent subject/object mention.
_LEFT_GAP = {"AUX", "PART", "ADV", "PRON"}
_RIGHT_GAP = {"DET", "ADJ", "ADV", "NUM"}


def _adjacent_mentions(toks: list[Token], idx: MentionIndex, doc,
                       cues: EventCues) -> tuple[ActorMention | None, ActorMention | None]:
    """The mention just before the trigger (through auxiliaries, clitics, negation) and just after it
    (through determiners, adjectives and one head noun: "son homologue nord-coréenne Choe Son Hui")."""
    first = min(t.i for t in toks)
    last = max(t.i for t in toks)
    sent = toks[0].sent
    left = right = None
    j = first - 1
    while j >= sent.start:
        m = idx.ending_at(j)
        if m is not None:
            left = m if usable(m.actor) else None
            break
        if doc[j].pos_ not in _LEFT_GAP:
            break
        j -= 1
    j, nouns = last + 1, 0
    while j < sent.end:
        m = idx.starting_at(j)
        if m is not None:
            if usable(m.actor) and not (j - 1 > last and doc[j - 1].lower_ in cues.locative_preps):
                right = m
            break
        if doc[j].pos_ == "NOUN" and nouns == 0:
            nouns += 1
        elif doc[j].pos_ not in _RIGHT_GAP:
            break
        j += 1
    return left, right


@dataclass
class Obligation:
    """ "X said that Y must do Z": a demand from X (speakers) to Y (addressees)."""

    speech: Token
    modal: Token
    speakers: list[Participant]
    addressees: list[Participant]


def obligations(sent: Any, idx: MentionIndex, lang: str) -> list[Obligation]:
    """Demands stated as reported obligations, in one sentence span."""
    cues = load_event_cues(lang)
    out: list[Obligation] = []
    for s in sent:
        if s.lemma_.lower() not in cues.speech_verbs or s.pos_ not in ("VERB", "AUX"):
            continue
        if syntax.negations(s, frozenset({"not", "pas", "jamais", "never"})):
            continue
        for c in s.children:
            if c.dep_ != "ccomp":
                continue
            modal = next((a for a in c.children if a.dep_ in syntax.AUX and a.lower_ in cues.obligation_modals),
                         None)
            if modal is None and c.lemma_.lower() in cues.obligation_modals and \
                    any(x.dep_ == "xcomp" for x in c.children):
                modal = c  # French "devait retirer": devoir heads the clause
            if modal is None:
                continue
            addressees: list[Participant] = []
            for sub in syntax.subjects(c):
                for h in syntax.conjuncts(sub):
                    parts = np_participants(h, idx, cues, "addressee")
                    if not parts and h.pos_ == "PRON":
                        parts = resolve_pronoun(h, idx, cues)
                    addressees.extend(parts)
            speakers = _speaker(s, idx, cues)
            if addressees:
                akeys = {a.key() for a in addressees}
                out.append(Obligation(s, modal, [p for p in speakers if p.key() not in akeys], _dedupe(addressees)))
    return out
