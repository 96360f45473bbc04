"""Actor resolution: dictionary matches in a sentence -> composed mentions -> ``Actor``.

Per sentence the work is one walk of the language's token trie (``PhraseIndex``) plus a few
dictionary lookups: no scan of the dictionary per mention.

1. *match*: longest dictionary phrases, left to right (case rules per entry kind), then unknown
   persons (spaCy PER/PERSON entities) and surnames met earlier in the document.
2. *compose*: neighbouring items joined by function words ("de", "of", "'s"), a locative
   ("police in Seoul") or an apposition comma make one mention: nationality + title + name,
   country's + body, title + portfolio ("vice-ministre nord-coréen des Affaires étrangères").
3. *actor*: country, sector, code, name, office from the parts; people resolved at the
   document date; a title without a name resolves to its holder when the KB knows the role.
4. *coreference* (conservative): surnames, definite titles and subject pronouns of countries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from dragoman.actors.context import ETHNIC_PREFIX
from dragoman.actors.kb import NONSTATE_CODES, ROLE_FAMILIES, TERMINAL, ActorKB, Entry
from dragoman.actors.text import case_ok, fold, subtokens
from dragoman.nlp import ents_between
from dragoman.schema import Actor

# Which entry wins when one phrase has several (e.g. "US": country and nationality).
_PRIORITY = {"person": 0, "org": 1, "seat": 2, "country": 3, "capital": 4, "demonym": 5, "nationality": 6,
             "context": 7, "role": 8, "place": 9, "surname": 10}
_COUNTRYISH = frozenset(("country", "nationality", "demonym", "capital", "seat", "context"))
_PERSON_LABELS = frozenset(("PER", "PERSON"))
_ORG_LABELS = frozenset(("ORG", "FAC"))
_NOT_NAMES = frozenset(("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"))
_SUBJ = frozenset(("nsubj", "nsubj:pass", "nsubjpass"))
# sectors of the state and of armed forces: a role word of these before an organisation's head
# noun makes the organisation theirs ("Military Council")
_STATE_SECTORS = frozenset(("GOV", "MIL", "COP", "JUD", "LEG", "SPY", "PRM", "REB", "UAF"))


_PLACE_LABELS = frozenset(("GPE", "LOC"))
_ARTICLES = frozenset(("the", "le", "la", "l"))
# a place this large (or a country, region, capital) named exactly like a known surname is read as
# the place when no title, first name or earlier mention makes the word a person ("Lagos")
PLACE_SURNAME_MIN_POPULATION = 1_000_000


def _initial(text: str) -> bool:
    """"J.", "J": one capital letter, an initial of a first name."""
    return len(text.rstrip(".")) == 1 and text[:1].isupper() and text[:1].isalpha()


def _same_name_word(word: str, other: str, particles: frozenset[str]) -> bool:
    if word == other:
        return True
    if word in particles or other in particles:
        return False
    return (len(word) == 1 and other.startswith(word)) or (len(other) == 1 and word.startswith(other))


@cache
def large_place(text: str) -> bool:
    """Whether the places' gazetteer knows ``text`` under its own name as a country, region,
    capital or a place of at least ``PLACE_SURNAME_MIN_POPULATION`` (used for known surnames)."""
    from dragoman.places import RANK_REGION, load_gazetteer

    # its own name as written, accents included ("Būsh" is not "Bush")
    return any(
        p.name.casefold() == text.casefold() and (p.rank >= RANK_REGION or p.capital or p.population >= PLACE_SURNAME_MIN_POPULATION)
        for p in load_gazetteer().lookup(text))


@dataclass
class Item:
    start: int  # doc-level token indices
    end: int
    kind: str  # an entry kind, or "unknown" (spaCy person), "ref" (surname met before)
    entry: Entry | None = None
    name: str | None = None
    ref: Actor | None = None  # for surname references


@dataclass
class DocState:
    """What coreference remembers within one document."""

    lang: str
    day: dt.date
    countries: set[str] = field(default_factory=set)
    surnames: dict[str, tuple[Actor, str | None]] = field(default_factory=dict)
    persons: list[tuple[Actor, str | None]] = field(default_factory=list)  # (actor, role key)
    subject: tuple[Actor, str] | None = None  # last sentence's country subject and its gender


@dataclass
class Found:
    """One composed mention of a sentence."""

    actor: Actor
    start: int  # tokens
    end: int
    kind: str


def _item_country(it: Item) -> str | None:
    if it.kind == "ref":
        return it.ref.country if it.ref else None
    if it.entry is not None and it.kind != "role":
        return it.entry.country
    return None


def _chunk_country(chunk: list[Item]) -> str | None:
    return next((c for c in map(_item_country, chunk) if c), None)


class Resolver:
    def __init__(self, kb: ActorKB, lang: str):
        self.kb = kb
        self.lang = lang if lang in kb.grammar else "en"
        self.grammar = g = kb.grammar[self.lang]
        # word sets the per-mention checks test against, built once (English and French articles
        # are added whatever the language: mixed-language names, "l'" left by the tokenizer)
        self._definite_words = g.determiners | _ARTICLES
        self._before_subject_surname = g.determiners | g.linkers | g.locatives | _ARTICLES
        self._before_org_name = g.determiners | _ARTICLES | {"les"}
        self._name_function_words = g.linkers | g.determiners | g.locatives | g.apposition_articles

    # ------------------------------------------------------------------ matching
    def match(self, tokens: Any, state: DocState) -> list[Item]:
        """Longest dictionary matches over a span (or Doc) of spaCy tokens."""
        root = self.kb.index(self.lang).root
        subs: list[str] = []
        owner: list[int] = []
        for t in tokens:
            for s in subtokens(t.text):
                subs.append(s)
                owner.append(t.i)
        doc = tokens.doc if hasattr(tokens, "doc") else tokens
        lo = tokens[0].i if len(tokens) else 0
        items: list[Item] = []
        places: set[int] = set()
        n = len(subs)
        k = 0
        while k < n:
            node = root.get(subs[k])
            cands = []
            j = k
            while node is not None:
                term = node.get(TERMINAL)
                if term and (j + 1 == n or owner[j + 1] != owner[j]):
                    cands.append((j, term))
                j += 1
                if j >= n:
                    break
                node = node.get(subs[j])
            chosen = None
            mid = k > 0 and owner[k - 1] == owner[k]  # after an elision inside the token: "l'Otan"
            for j, term in reversed(cands):
                s_tok, e_tok = owner[k], owner[j] + 1
                text = doc[s_tok:e_tok].text
                if mid:
                    text = text[max(text.find("'"), text.find("’")) + 1:]
                ok = [e for e, flag in term if case_ok(flag, text) and self._entry_ok(e, doc, s_tok, e_tok, state)]
                if ok:
                    # one name, several people ("George Bush"): the one in office at the document's date
                    ok.sort(key=lambda e: (_PRIORITY.get(e.kind, 10), not (
                        e.kind == "person" and any(p.valid(state.day) for p in e.periods))))
                    chosen = Item(s_tok, e_tok, ok[0].kind, ok[0])
                    sur = next((e for e in ok if e.kind == "surname"), None)
                    if ok[0].kind in _COUNTRYISH and sur is not None and self._surname_over_place(
                            doc, s_tok, e_tok, items, state):
                        chosen = Item(s_tok, e_tok, "surname", sur)  # "le président Hollande"
                    break
            if chosen is not None and chosen.kind == "role" and self._adjectival(doc[chosen.start]) \
                    and chosen.end - chosen.start == 1:
                chosen = None  # "exercices militaires", "military drills": an adjective, not the army
            if chosen is not None and chosen.kind == "surname":
                found = chosen
                chosen = self._surname_item(doc, chosen, items, items[-1].end if items else lo, state)
                if chosen is None:
                    places.update(range(found.start, found.end))  # "in Lagos": no person here at all
            if chosen is not None:
                items.append(chosen)
                if chosen.entry is not None and chosen.kind in _COUNTRYISH and chosen.entry.country:
                    state.countries.add(chosen.entry.country)  # context for "the North" later on
                while k < n and owner[k] < chosen.end:
                    k += 1
                continue
            t0 = owner[k]
            k += 1
            # next start: the next token, or the word after an elided article in this one
            if not (k < n and owner[k] == t0 and len(subs[k - 1]) <= 2 and ("'" in doc[t0].text or "’" in doc[t0].text)):
                while k < n and owner[k] == t0:
                    k += 1
        return self._add_entities(tokens, doc, items, state, places)

    def _surname_item(self, doc: Any, item: Item, items: list[Item], lo: int, state: DocState) -> Item | None:
        """A known surname alone: the document's own bearer (met earlier) or the dictionary's, unless
        the name written around it says otherwise. Name parts before it (first names, initials,
        particles: "José Eduardo dos Santos") that contradict the bearer's name make it an unknown
        person; without a title or a first name, a place reading wins: a place entity, the object of
        a locative ("a rally in Lagos", "à Lagos") or a large place of that name in the gazetteer
        ("Lagos was paralysed"; a surname met earlier in the document yields only to the locative)."""
        key = " ".join(subtokens(doc[item.start:item.end].text))
        met = state.surnames.get(key)
        first = self._name_parts(doc, item.start, lo)
        parts = [t for t in doc[first:item.start]]
        if parts:
            names = [met[0].name or ""] if met is not None else [n for ns in item.entry.names.values() for n in ns]
            if not self._parts_agree(parts, subtokens(key), names):
                return Item(first, item.end, "unknown", name=doc[first:item.end].text)
        elif not self._titled(doc, item.start, items) and self._place_like(doc, item.start, item.end, met is not None):
            return None
        if met is not None:
            # the document's own "Pak" (met earlier) beats the dictionary's only "Pak"
            return Item(first, item.end, "ref", ref=met[0])
        return Item(first, item.end, item.kind, item.entry)

    def _surname_over_place(self, doc: Any, s: int, end: int, items: list[Item], state: DocState) -> bool:
        """A surname spelt like a country or demonym ("Hollande", "Montenegro", "Turk") names the
        person after a title or honorific ("le président Hollande", "Mr Turk"), or as the subject of
        its clause once the document has named the person ("François Hollande ... Hollande a
        déclaré"); with an article or a locative before it, it stays the place ("la Hollande")."""
        if self._titled(doc, s, items):
            return True
        if " ".join(subtokens(doc[s:end].text)) not in state.surnames:
            return False
        prev = fold(doc[s - 1].text) if s > 0 else ""
        if prev in self._before_subject_surname:
            return False
        return doc[end - 1].dep_ in _SUBJ

    def _name_parts(self, doc: Any, s: int, lo: int) -> int:
        """Start of the name parts written right before token ``s``: first names the recogniser
        tags as a person, initials ("J."), particles ("dos", "von", "bin"). A particle that is a
        function word of the language ("de" in "la police de Lagos") counts only after a first name."""
        function_words = self._name_function_words
        i = s
        while i - 1 >= lo:
            t = doc[i - 1]
            word = fold(t.text)
            if word in self.kb.name_particles and t.is_alpha:
                i -= 1
            elif _initial(t.text) or (t.ent_type_ in _PERSON_LABELS and t.is_alpha and t.text[:1].isupper()
                                      and word not in self.grammar.honorifics):
                i -= 1
            else:
                break
        while i < s and fold(doc[i].text) in function_words:
            i += 1  # "de Lagos": a preposition, not a particle
        return i

    def _parts_agree(self, parts: list[Any], surname: tuple[str, ...], names: list[str]) -> bool:
        """Whether name parts written before a surname fit one of the bearer's full names: each
        part one of the name's words before the surname, in order (an initial fits a word with its
        letter); unknown middle names are allowed after a matching first name, particles never."""
        particles = self.kb.name_particles
        words = [w for t in parts for w in subtokens(t.text)]
        for name in names:
            full = list(subtokens(name))
            at = next((k for k in range(len(full) - len(surname), -1, -1)
                       if tuple(full[k:k + len(surname)]) == surname), None)
            prefix = full[:at] if at is not None else full[:-1]
            j, missed = 0, []
            for w in words:
                k = next((k for k in range(j, len(prefix)) if _same_name_word(w, prefix[k], particles)), None)
                if k is None:
                    missed.append(w)
                else:
                    j = k + 1
            if not missed or (prefix and _same_name_word(words[0], prefix[0], particles)
                              and not any(w in particles for w in missed)):
                return True
        return False

    def _titled(self, doc: Any, s: int, items: list[Item]) -> bool:
        """A title or honorific right before token ``s`` ("President Lagos", "le président chilien
        Lagos", "Mr Lagos")."""
        if s > 0 and fold(doc[s - 1].text).rstrip(".") in self.grammar.honorifics:
            return True
        for it in reversed(items):
            if it.end != s:
                break
            if it.kind == "role" and it.entry.rtype == "title":
                return True
            s = it.start
        return False

    def _place_like(self, doc: Any, s: int, end: int, met: bool) -> bool:
        """A surname alone read as a place: after a locative preposition; and, for the dictionary's
        surnames (not one met earlier in the document), also a place entity or a large place of that
        name in the gazetteer."""
        preps = self.grammar.place_prepositions
        before = [fold(t.text) for t in doc[max(0, s - 3):s]]
        if any(len(p) <= len(before) and tuple(before[len(before) - len(p):]) == p for p in preps):
            return True
        head = doc[end - 1]
        single = {p[0] for p in preps if len(p) == 1}
        if (head.dep_ == "pobj" and fold(head.head.text) in single) or any(
                c.dep_ == "case" and fold(c.text) in single for c in head.children):
            return True
        if met:
            return False
        if any(t.ent_type_ in _PLACE_LABELS for t in doc[s:end]):
            return True
        return large_place(doc[s:end].text)

    def _adjectival(self, tok: Any) -> bool:
        if tok.pos_ != "ADJ" or tok.dep_ != "amod" or tok.head.pos_ != "NOUN":
            return False
        return (tok.head.i < tok.i) == self.grammar.adjective_after_noun

    def _entry_ok(self, e: Entry, doc: Any, s: int, end: int, state: DocState) -> bool:
        if e.kind == "context":
            prev = fold(doc[s - 1].text) if s > 0 else ""
            return prev in self.grammar.determiners and bool(state.countries & set(e.context))
        if e.kind == "surname":
            key = " ".join(subtokens(doc[s:end].text))
            if key in state.surnames:
                return True
            # a surname alone must look like a name: a person entity, or a capitalised word outside
            # dates and numbers ("in May" is a DATE, not Theresa May)
            return self.kb.surname_holder(key, state.day) is e and all(
                t.ent_type_ in _PERSON_LABELS or (t.ent_type_ not in _NOT_NAMES and t.text[:1].isupper()
                                                  and (t.pos_ == "PROPN" or not t.is_sent_start))
                for t in doc[s:end])
        return True

    def _add_entities(self, tokens: Any, doc: Any, items: list[Item], state: DocState,
                      places: set[int] = frozenset()) -> list[Item]:
        covered = {i: it for it in items for i in range(it.start, it.end)}
        lo, hi = tokens[0].i if len(tokens) else 0, (tokens[-1].i + 1) if len(tokens) else 0
        drop: set[int] = set()
        new: list[Item] = []
        # entities overlapping [lo, hi): bisected, never a scan of the whole article per sentence
        for ent in ents_between(doc, max(0, lo - 8), hi + 8):
            if ent.end <= lo or ent.start >= hi:
                continue
            inside = [it for it in items if it.start >= ent.start and it.end <= ent.end]
            if ent.label_ in _PERSON_LABELS and inside and inside[-1].kind == "demonym" and all(
                    it.kind in ("nationality", "demonym", "country") for it in inside) and sum(
                    it.end - it.start for it in inside) == sum(1 for t in ent if t.pos_ != "DET"):
                continue  # "Bosnian Serbs", "Kosovo Albanians" tagged as a person: a people, not a name
            if ent.label_ in _PERSON_LABELS:
                # a surname inside a longer name is someone else ("Hunter Biden" is not Joe Biden);
                # a role word inside a name after its start is part of it ("Tom King")
                roles = {i for it in inside if it.kind == "role" and it.start == ent.start for i in range(it.start, it.end)}
                name_len = sum(1 for t in ent if t.i not in roles and t.pos_ != "DET")  # "président Bush" -> 1
                for it in inside:
                    if (it.kind == "surname" and (it.end - it.start) < name_len) or (
                            it.kind == "role" and it.start > ent.start) or (
                            it.kind in _COUNTRYISH and (it.end - it.start) < name_len):  # "Dominique Dos Santos"
                        drop.add(id(it))
                        for i in range(it.start, it.end):
                            covered.pop(i, None)
                run: list[int] = []
                stop = min(ent.end, hi)
                # spaCy often leaves the last part of an Asian name out ("Kim Jong" + "Un")
                while stop < hi and stop not in covered and doc[stop].is_alpha and doc[stop].text[:1].isupper():
                    stop += 1
                for i in range(max(ent.start, lo), stop + 1):
                    if i < stop and i not in covered and i not in places and doc[i].pos_ in (
                            "PROPN", "NOUN", "X", "ADJ", "DET"):
                        run.append(i)
                        continue
                    if run:
                        new.append(self._unknown(doc, run[0], run[-1] + 1, state))
                        run = []
            elif ent.label_ in _ORG_LABELS and (org := self._unknown_org(doc, ent, inside, items)) is not None:
                # "the Association of African Jurists", "Kenya Anti-Corruption Commission": one actor
                for it in items:
                    if it.start < org.start or it.end > org.end:
                        continue
                    drop.add(id(it))
                    for i in range(it.start, it.end):
                        covered.pop(i, None)
                new.append(org)
            elif ent.label_ in _ORG_LABELS and inside and all(it.kind in ("country", "nationality") for it in inside) \
                    and not any(it.start < ent.end and it.end > ent.start and it not in inside for it in items) \
                    and sum(1 for t in ent if fold(t.text) not in self.grammar.determiners) > sum(
                        it.end - it.start for it in inside):
                # a country inside an organisation's name ("Bank of Korea") is not an actor
                drop.update(id(it) for it in inside)
        items = [it for it in items if id(it) not in drop] + new
        items = self._unnamed_orgs(tokens, doc, items, lo, hi)
        # surnames met earlier in the document, when no dictionary entry covered them
        taken = {i for it in items for i in range(it.start, it.end)}
        ordered = sorted(items, key=lambda it: it.start)
        for t in tokens:
            if t.i not in taken and t.pos_ == "PROPN" and t.text[:1].isupper():
                ref = state.surnames.get(" ".join(subtokens(t.text)))
                if ref is not None:
                    before = [it for it in ordered if it.end <= t.i]
                    got = self._surname_item(doc, Item(t.i, t.i + 1, "ref", ref=ref[0]), before,
                                             max([lo] + [it.end for it in before]), state)
                    if got is not None and not any(i in taken for i in range(got.start, got.end)):
                        items.append(got)
        items.sort(key=lambda it: it.start)
        return items

    def _unnamed_orgs(self, tokens: Any, doc: Any, items: list[Item], lo: int, hi: int) -> list[Item]:
        """Organisation names the entity recogniser missed: a capitalised head noun of
        ``org_heads.tsv`` after a run of capitalised compound words ("the Ghana Anti-Corruption
        Commission"), read as an organisation entity."""
        heads = self.kb.org_heads.get(self.lang)
        if not heads:
            return items
        for t in tokens:
            if not t.text[:1].isupper() or fold(t.text) not in heads or t.ent_type_ or t.pos_ != "PROPN":
                continue
            start = t.i
            while start - 1 >= lo and (doc[start - 1].text == "-" or (
                    doc[start - 1].dep_ in ("compound", "amod", "nmod") and doc[start - 1].head.i >= t.i
                    and doc[start - 1].text[:1].isupper() and not doc[start - 1].ent_type_)
                    or (doc[start - 1].ent_type_ in ("GPE", "NORP") and doc[start - 1].head.i >= t.i)):
                start -= 1
            if start == t.i or start < lo:
                continue
            span = doc[start:t.i + 1]
            if span.root.i != t.i:
                continue
            inside = [it for it in items if it.start >= start and it.end <= t.i + 1]
            org = self._unknown_org(doc, span, inside, items)
            if org is not None:
                items = [it for it in items if not any(it is x for x in inside)] + [org]
        return items

    def _unknown_org(self, doc: Any, ent: Any, inside: list[Item], items: list[Item]) -> Item | None:
        """An organisation entity no dictionary knows, named by a generic head noun
        (``data/<lang>/org_heads.tsv``): its country and the head's sector when its name carries one
        country ("Commission kényane de lutte contre la corruption" KEN GOV), else the head's
        non-state code ("Forum mondial de l'eau" NGO) or, for a state body, the sector alone."""
        heads = self.kb.org_heads.get(self.lang)
        root = ent.root
        head = heads.get(fold(root.text)) if heads and root.text[:1].isupper() else None
        if head is None:
            return None
        sector, code = head
        for it in inside:
            if it.kind not in _COUNTRYISH and it.kind != "role":
                return None  # a known organisation or person inside: theirs
            if it.kind == "role" and it.start <= root.i < it.end and (code is None or it.end - it.start > 1):
                return None  # "the Interior Ministry", "National Security Council": a known body
            if it.kind == "role" and it.end <= root.i and it.entry.sector in _STATE_SECTORS:
                return None  # "Military Council", "Police Federation": the role words compose
        if any(it.start < ent.end and it.end > ent.start and not (it.start >= ent.start and it.end <= ent.end)
               for it in items):
            return None
        countries = {it.entry.country for it in inside if it.kind in _COUNTRYISH and it.entry.country}
        if len(countries) > 1:
            return None
        start = ent.start
        while start < root.i and fold(doc[start].text) in self._before_org_name:
            start += 1
        end = ent.end
        if start == root.i and end == root.i + 1 and self.grammar.adjective_after_noun:
            # "le Comité de suivi de l'accord de paix": the recogniser often keeps only "Comité"; the
            # name runs over the head's adjectives and "de" complements
            for c in root.rights:
                if c.dep_ == "amod" or (c.dep_.startswith("nmod") and any(
                        g.dep_ == "case" and fold(g.text) in self.grammar.linkers for g in c.children)):
                    last = max(x.i for x in c.subtree)
                    if c.left_edge.i <= end and not any(
                            x.start < last + 1 and x.end > end for x in items if x.kind in ("org", "person", "surname")):
                        end = max(end, last + 1)
                        continue
                break
            inside = [it for it in items if it.start >= start and it.end <= end]
            countries = {it.entry.country for it in inside if it.entry and it.entry.country}
            if any(it.kind not in _COUNTRYISH and it.kind != "role" for it in inside) or len(countries) > 1:
                return None
        if start == root.i and end == root.i + 1:
            return None  # "the Commission", "le Comité": a head noun alone names no one in particular
        name = doc[start:end].text
        key = fold(root.text)
        if countries:
            country = next(iter(countries))
            entry = Entry(id=f"org-head:{self.lang}:{key}", kind="org", country=country, sector=sector,
                          code=country + sector, names={self.lang: [name]})
        elif code:
            entry = Entry(id=f"org-head:{self.lang}:{key}", kind="org", code=code, names={self.lang: [name]})
        else:
            entry = Entry(id=f"org-head:{self.lang}:{key}", kind="org", sector=sector, names={self.lang: [name]})
        return Item(start, end, "org", entry)

    def _unknown(self, doc: Any, s: int, e: int, state: DocState) -> Item:
        first = s
        while first < e - 1 and fold(doc[first].text).rstrip(".") in self.grammar.honorifics:
            first += 1  # "Monsieur Lewis", "M. Thompson": the name is Lewis, Thompson
        name = doc[first:e].text
        ref = state.surnames.get(" ".join(subtokens(name)))
        if ref is not None:
            return Item(s, e, "ref", ref=ref[0])
        return Item(s, e, "unknown", name=name)

    # ------------------------------------------------------------------ composing
    def compose(self, doc: Any, items: list[Item]) -> list[list[Item]]:
        chunks: list[list[Item]] = []
        for it in items:
            portfolio = it.kind == "role" and it.entry.rtype == "portfolio"
            if it.kind == "place" or not chunks or not self._joins(doc, chunks[-1], it):
                if portfolio:
                    continue  # "de la défense" without a minister or ministry before it is nothing
                chunks.append([it])
            elif portfolio and not any(c.kind == "role" and c.entry.rtype in ("title", "body") for c in chunks[-1]):
                continue
            else:
                chunks[-1].append(it)
        return chunks

    def _joins(self, doc: Any, chunk: list[Item], it: Item) -> bool:
        last = chunk[-1]
        if last.kind == "place":
            return False
        gap = [fold(t.text) for t in doc[last.end:it.start]]
        if len(chunk) == 1 and self._ethnic_place(doc, [last, it], gap) is not None:
            return True  # "Bosnian Serbs", "Kosovo Albanians", "Serbes de Bosnie", "Albanais du Kosovo"
        has_role = any(c.kind == "role" and c.entry.rtype != "portfolio" for c in chunk)
        persons = sum(c.kind in ("person", "surname", "unknown", "ref") for c in chunk)
        it_person = it.kind in ("person", "surname", "unknown", "ref")
        if it_person and persons:
            return False
        if it.kind == "org" and any(c.kind == "org" for c in chunk):
            return False
        c1, c2 = _chunk_country(chunk), _item_country(it)
        if c1 and c2 and c1 != c2:
            return False
        if it.kind == "role" and it.entry.rtype == "portfolio":
            return not gap or all(g in self.grammar.linkers for g in gap)
        countryish_only = all(c.kind in _COUNTRYISH for c in chunk)
        if countryish_only and it.kind in _COUNTRYISH:
            return False  # "Pékin, Washington" are two actors
        if not gap:
            return True
        if all(g in self.grammar.apposition_articles for g in gap):
            # an article alone links nothing: "a reçu à Dakar le Premier ministre malien" is a place,
            # then the guest (the md model hangs the guest on the place as an apposition)
            return False
        if all(g in self.grammar.linkers for g in gap):
            # "de la Chine" joins a role; two bare countries never ("China of Russia" is not a thing)
            return has_role or it.kind == "role" or it_person or persons > 0 or it.kind == "org" \
                or any(c.kind == "org" for c in chunk)
        if it.kind == "role" and it.entry.rtype in ("body", "group") and countryish_only and len(gap) <= 2 \
                and all(t.pos_ in ("ADJ", "PROPN") for t in doc[last.end:it.start]):
            return True  # "Russian Orthodox Church": an adjective between the country and the body
        if it.kind == "nationality" and has_role and not c1 and len(gap) <= 2 \
                and all(t.pos_ == "ADJ" for t in doc[last.end:it.start]):
            return True  # "la Cour constitutionnelle lettone", "les forces spéciales russes"
        if gap[0] in self.grammar.locatives and it.kind in ("capital", "country") and has_role and not c1 \
                and all(g in self.grammar.linkers for g in gap[1:]):
            return True  # "police in Seoul"
        if gap[0] == "," and all(g in self.grammar.apposition_articles for g in gap[1:2]) and len(gap) <= 2:
            # an organisation's office counts as a title: "le secrétaire général de l'ONU, António Guterres"
            has_role = has_role or any(c.kind == "org" and c.entry.role for c in chunk)
            # apposition: "Wang Yi, China's foreign minister" / "the minister, Wang Yi"
            # a bare country only when it opens a title: "Wang Yi, China's foreign minister"
            opens_title = it.kind == "country" and it.end < len(doc) and fold(doc[it.end].text) in self.grammar.linkers
            return (it_person and persons == 0 and has_role) or (
                persons > 0 and (it.kind in ("role", "nationality") or opens_title))
        return False

    def _ethnic_place(self, doc: Any, pair: list[Item], gap: list[str] | None = None) -> Item | None:
        """In "Bosnian Serbs", "Kosovo Albanians", "Serbes de Bosnie", "Kurdes irakiens" a people
        living across borders (an ethnonym demonym) is placed by a neighbouring country or
        nationality: that item, or None. The place comes first with no gap, or after the people
        with no gap (an adjective) or linkers only (a country: "of Bosnia", "du Kosovo")."""
        if len(pair) != 2 or not self.grammar.ethnonyms:
            return None
        a, b = pair
        if gap is None:
            gap = [fold(t.text) for t in doc[a.end:b.start]]

        def people(x: Item) -> bool:
            return x.kind == "demonym" and " ".join(subtokens(doc[x.start:x.end].text)) in self.grammar.ethnonyms

        if a.entry is None or b.entry is None or a.entry.country == b.entry.country:
            return None
        if people(b) and a.kind in ("nationality", "country") and not gap:
            return a
        if people(a) and ((b.kind == "nationality" and not gap) or (
                b.kind == "country" and gap and all(g in self.grammar.linkers for g in gap))):
            return b
        return None

    # ------------------------------------------------------------------ actors
    def actor(self, doc: Any, chunk: list[Item], state: DocState) -> tuple[Actor, str]:
        day = state.day
        country: str | None = None
        seat_sector: str | None = None
        title: Item | None = None
        body: Item | None = None
        portfolio: Item | None = None
        person: Item | None = None
        org: Item | None = None
        entries: list[str] = []
        for it in chunk:
            if it.entry is not None:
                entries.append(it.entry.id)
            if it.kind in _COUNTRYISH:
                country = country or it.entry.country
                if it.kind in ("capital", "seat", "demonym"):
                    seat_sector = seat_sector or it.entry.sector
            elif it.kind == "role":
                if it.entry.rtype == "portfolio":
                    portfolio = portfolio or it
                elif it.entry.rtype == "title":
                    title = title or it
                else:
                    body = body or it
            elif it.kind == "org":
                org = org or it
            elif it.kind in ("person", "surname", "unknown", "ref"):
                person = person or it
        countryish = [it for it in chunk if it.kind in _COUNTRYISH]
        place = self._ethnic_place(doc, countryish) if len(countryish) == 2 else None
        if place is not None and countryish[0].end <= countryish[1].start:
            country = place.entry.country  # "Bosnian Serbs" live in Bosnia
        role_text = self._role_text(doc, chunk)
        role_key = None
        if title is not None:
            role_key = title.entry.role
            if portfolio is not None and role_key in ("minister",):
                role_key = portfolio.entry.role
        elif body is not None:
            role_key = None
        sector = None
        if body is not None and (title is None or body.entry.sector != "GOV"):
            sector = body.entry.sector
        elif title is not None:
            sector = title.entry.sector
        if portfolio is not None and sector is None and title is None and body is None:
            portfolio = None  # a stray "des Finances" is nothing
        code = None
        name = None
        office = role_text
        qid = None
        kind = "role" if (title or body) else "country"
        first, last = chunk[0], chunk[-1]
        text = doc[first.start:last.end].text

        if org is not None:
            oc, os_, ocode, _ = org.entry.at(day)
            country = country or oc
            name = org.entry.name(self.lang)
            if ocode and ocode[:3] in NONSTATE_CODES:
                code = ocode
                kind = "igo"
                sector = sector if (title or body) else None
                if title is None and body is None:
                    office = None
                if org.entry.role and title is None:  # "UN chief" -> the Secretary-General
                    role_key = org.entry.role
            else:
                sector = os_ if title is None and body is None else (sector or os_)
                kind = "group" if title is None and body is None else "role"
                if title is None and body is None:
                    office = None

        if person is not None:
            kind = "person"
            if person.kind == "ref" and person.ref is not None:
                ref = person.ref
                return Actor(text=text, name=ref.name, country=ref.country, sector=ref.sector, code=ref.code,
                             office=ref.office, qid=ref.qid, entry=ref.entry), "person"
            if person.kind in ("person", "surname"):
                e = person.entry
                pc, ps, pcode, period = e.at(day, title.entry.role if title is not None else None)
                name = e.name(self.lang)
                qid = e.qid
                country = pc or (country if not e.code else None)
                sector = ps if ps else sector
                if period is not None:
                    office = (period.office_fr if self.lang == "fr" and period.office_fr else period.office) or office
                    role_key = period.role
                code = pcode or (e.code if e.code and e.code[:3] in NONSTATE_CODES else None)
                if code and code[:3] in NONSTATE_CODES:
                    country = None
            else:
                name = person.name
        elif role_key and role_key != "other" and (country or code):
            # "the foreign minister of China" -> whoever held that office at the document date
            holders = self.kb.holders(code or country, role_key, day)
            if len({h[1].id for h in holders}) == 1:
                period, e = holders[0]
                name, qid = e.name(self.lang), e.qid
                office = (period.office_fr if self.lang == "fr" and period.office_fr else period.office) or office
                sector = period.sector or sector
                entries.append(e.id)
                kind = "person"
        if person is None and title is not None and kind != "person" and self._definite(doc, first.start):
            ref = self._title_ref(role_key, country, state)
            if ref is not None:
                return Actor(text=text, name=ref.name, country=ref.country, sector=ref.sector, code=ref.code,
                             office=ref.office, qid=ref.qid, entry=ref.entry), "person"

        if kind == "country" and seat_sector and not (title or body):
            sector = seat_sector
            kind = "country" if any(c.kind == "demonym" for c in chunk) else "capital"
        if kind == "country" and chunk[0].kind == "context":
            kind = "country"
        if code is None and country is not None:
            code = country + (sector or "")
        return Actor(text=text, name=name, country=country, sector=sector, code=code, office=office, qid=qid,
                     entry="+".join(dict.fromkeys(entries)) or None), kind

    def _role_text(self, doc: Any, chunk: list[Item]) -> str | None:
        roles = [c for c in chunk if c.kind == "role"]
        if not roles:
            return None
        return doc[roles[0].start:roles[-1].end].text

    def _definite(self, doc: Any, start: int) -> bool:
        return start > 0 and fold(doc[start - 1].text) in self._definite_words

    def _title_ref(self, role_key: str | None, country: str | None, state: DocState) -> Actor | None:
        if not role_key or role_key == "other":
            return None
        fam = ROLE_FAMILIES.get(role_key, frozenset((role_key,)))
        for actor, rk in reversed(state.persons):
            if rk in fam and (country is None or actor.country == country):
                return actor
        return None

    # ------------------------------------------------------------------ per sentence
    def sentence(self, span: Any, state: DocState) -> list[Found]:
        doc = span.doc if hasattr(span, "doc") else span
        found: list[Found] = []
        pron = self._pronoun(span, state)
        items = self.match(span, state)
        chunks = self.compose(doc, items)
        built: dict[int, tuple[Actor, str]] = {}
        for ci, chunk in enumerate(chunks):
            if chunk[0].kind != "place":
                built[ci] = self.actor(doc, chunk, state)
        left, right = self._coordinated(doc, chunks)
        # "US, British and French forces" (shared to the left), "forces américaines et britanniques" (right)
        for ci, src in sorted(((c, c + 1) for c in left), reverse=True) + sorted((c, c - 1) for c in right):
            if ci in built and src in built:
                head, actor = built[src][0], built[ci][0]
                actor.sector, actor.office = head.sector, head.office
                actor.code = (actor.country or "") + (head.sector or "") or None
                built[ci] = (actor, "role")
        for ci, chunk in enumerate(chunks):
            if chunk[0].kind == "place":
                e = chunk[0].entry
                found.append(Found(Actor(text=doc[chunk[0].start:chunk[0].end].text, entry=e.id),
                                   chunk[0].start, chunk[0].end, "place-part"))
                continue
            actor, kind = built[ci]
            s, e = chunk[0].start, chunk[-1].end
            if self._ethnic(doc, chunk):
                # "ethnic Albanian guerrillas operating in Macedonia": the group lives in the country its
                # context names (actors.context), not in the state its adjective names
                actor.country = None
                actor.code = None
                actor.name = None
                actor.entry = ETHNIC_PREFIX + (f"+{actor.entry}" if actor.entry else "")
                kind = "role" if kind in ("country", "role") else kind
            if kind == "country" and len(chunk) == 1 and s > 0 and fold(doc[s - 1].text) in self.grammar.locatives:
                kind = "place"  # "en Chine", "in China": a place, unless a role takes it
            found.append(Found(actor, s, e, kind))
            self._remember(actor, chunk, kind, state)
        if pron is not None:
            found.append(pron)
            found.sort(key=lambda f: f.start)
        self._update_subject(span, doc, found, state)
        return found

    def _ethnic(self, doc: Any, chunk: list[Item]) -> bool:
        """A nationality or demonym marked as an ethnicity ("ethnic Turks", "Turcs de souche"), with no
        country, capital, organisation or person of its own in the mention."""
        g = self.grammar
        if not (g.ethnic_before or g.ethnic_after):
            return False
        if not any(it.kind in ("nationality", "demonym") for it in chunk) or any(
                it.kind in ("country", "capital", "seat", "org", "person", "surname", "ref") for it in chunk):
            return False
        s, e = chunk[0].start, chunk[-1].end
        if s > 0 and fold(doc[s - 1].text) in g.ethnic_before:
            return True
        after = tuple(fold(t.text) for t in doc[e:e + 3])
        return any(after[:len(w)] == w for w in g.ethnic_after)

    def _coordinated(self, doc: Any, chunks: list[list[Item]]) -> tuple[set[int], set[int]]:
        """Lone nationality adjectives coordinated with a neighbour's role: in "US and British
        forces" "US" shares the next chunk's "forces" (left set); in "les forces américaines et
        britanniques" "britanniques" shares the previous one's (right set)."""
        links = [",", *self.grammar.coordinators]
        people = ("person", "unknown", "ref", "surname")

        def lone(c: list[Item]) -> bool:
            # "US" and "UK" modify nouns as adjectives do
            return len(c) == 1 and (c[0].kind == "nationality" or (
                c[0].kind == "country" and doc[c[0].start:c[0].end].text.replace(".", "").isupper()))

        def headed(c: list[Item]) -> bool:
            return any(i.kind == "role" for i in c) and not any(i.kind in people for i in c)

        left: set[int] = set()
        right: set[int] = set()
        for ci in range(len(chunks) - 2, -1, -1):
            a, b = chunks[ci], chunks[ci + 1]
            gap = [fold(t.text) for t in doc[a[-1].end:b[0].start]]
            if len(gap) != 1 or gap[0] not in links:
                continue
            if lone(a) and b[0].kind == "nationality" and (ci + 1 in left or headed(b)):
                left.add(ci)
        for ci in range(1, len(chunks)):
            a, b = chunks[ci - 1], chunks[ci]
            gap = [fold(t.text) for t in doc[a[-1].end:b[0].start]]
            if len(gap) != 1 or gap[0] not in links or ci in left:
                continue
            if lone(b) and a[-1].kind == "nationality" and (ci - 1 in right or headed(a)):
                right.add(ci)
        return left, right

    def _remember(self, actor: Actor, chunk: list[Item], kind: str, state: DocState) -> None:
        if actor.country:
            state.countries.add(actor.country)
        if kind != "person" or not actor.name:
            return
        role_key = None
        for it in chunk:
            if it.kind == "role" and it.entry.role and it.entry.rtype == "title":
                role_key = role_key or it.entry.role
            if it.kind in ("person", "surname"):
                _, _, _, period = it.entry.at(state.day, role_key)
                role_key = period.role if period is not None else role_key
                for s in self.kb.surnames_of.get(it.entry.id, []):
                    state.surnames[" ".join(subtokens(s))] = (actor, role_key)
        person_item = next((it for it in chunk if it.kind in ("unknown", "person", "surname")), None)
        if person_item is not None and person_item.kind == "unknown":
            words = actor.name.split()
            if len(words) > 1:
                state.surnames[" ".join(subtokens(words[-1]))] = (actor, role_key)
                if actor.country in self.kb.family_name_first:
                    state.surnames[" ".join(subtokens(words[0]))] = (actor, role_key)
        if person_item is not None:
            state.surnames[" ".join(subtokens(actor.name))] = (actor, role_key)
            state.persons.append((actor, role_key))

    def _pronoun(self, span: Any, state: DocState) -> Found | None:
        if state.subject is None:
            return None
        for t in span:
            if t.dep_ in _SUBJ:
                gender = self.grammar.pronouns.get(fold(t.text))
                ant, ant_gender = state.subject
                if gender is not None and gender == ant_gender and t.head.dep_ == "ROOT":
                    a = Actor(text=t.text, name=ant.name, country=ant.country, sector=ant.sector, code=ant.code,
                              office=ant.office, qid=ant.qid, entry=ant.entry)
                    return Found(a, t.i, t.i + 1, "pronoun")
                return None
        return None

    def _update_subject(self, span: Any, doc: Any, found: list[Found], state: DocState) -> None:
        previous, state.subject = state.subject, None
        subj = next((t for t in span if t.dep_ in _SUBJ and t.head.dep_ == "ROOT"), None)
        if subj is None:
            return
        for f in found:
            if f.start <= subj.i < f.end and f.kind in ("country", "capital", "pronoun") and f.actor.country:
                if f.kind == "pronoun":
                    state.subject = previous  # "elle ... Elle ..." still the same country
                    return
                prev = fold(doc[f.start - 1].text) if f.start > 0 else ""
                gender = self.grammar.all_gender or self.grammar.determiner_gender.get(prev)
                if gender:
                    state.subject = (f.actor, gender)
                return

    def begin(self, state: DocState) -> None:
        """Kept for callers: all per-document state lives in ``state`` (the resolver is shared)."""
