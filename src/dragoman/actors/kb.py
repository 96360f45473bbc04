"""The actor knowledge base: countries, nationality adjectives, seats of power, organisations,
roles, people and user dictionaries, validated at load time and indexed once per language.

Every data file is ours (see ``docs/actors.md``); a bad line raises ``DataFileError`` naming
the file, the line and the problem.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import os
import pickle
import threading
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dragoman.actors.inflect import en_plural, expand_plural, fr_forms
from dragoman.actors.text import case_flag, fold, subtokens
from dragoman.errors import DataFileError
from dragoman.schema import NONSTATE_CODES, SECTORS

DATA = Path(__file__).resolve().parents[1] / "data"
LANGS = ("en", "fr")
PEOPLE_FILE = DATA / "common" / "people.yaml"
ROLE_KEYS = frozenset((
    "head_of_state", "head_of_government", "vice_president", "deputy_head_of_government",
    "foreign_minister", "defence_minister", "interior_minister", "finance_minister",
    "national_security_adviser", "chief_of_staff_military", "party_leader", "opposition_leader",
    "speaker", "supreme_leader", "monarch", "crown_prince", "secretary_general",
    "deputy_secretary_general", "high_representative", "commission_president", "council_president",
    "parliament_president", "central_bank_governor", "un_ambassador", "armed_group_leader", "judge",
    "prosecutor", "other",
))
# Role families used by generic titles ("the leader", "the minister").
ROLE_FAMILIES: dict[str, frozenset[str]] = {
    "leader": frozenset(("head_of_state", "head_of_government", "supreme_leader", "party_leader",
                         "monarch", "armed_group_leader")),
    "minister": frozenset(k for k in ROLE_KEYS if k.endswith("_minister")) | {"head_of_government"},
}
ENTRY_KINDS = ("country", "nationality", "demonym", "capital", "seat", "context", "place", "org", "role",
               "person", "surname")
# kinds whose patterns keep their capital letters when matched ("the North", "US", "WHO")
CASED_KINDS = frozenset(("country", "demonym", "capital", "seat", "context", "place", "org", "person", "surname"))


@dataclass(slots=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    office: str | None = None
    office_fr: str | None = None
    role: str | None = None

    def valid(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(slots=True)
class Entry:
    """One dictionary entry; ``id`` is what ``Actor.entry`` reports."""

    id: str
    kind: str
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    role: str | None = None  # people.yaml role key or family ("leader", "minister")
    rtype: str | None = None  # roles: title, group, body, portfolio
    qid: str | None = None
    names: dict[str, list[str]] = field(default_factory=dict)
    periods: list[Period] = field(default_factory=list)
    context: tuple[str, ...] = ()
    source: str = ""
    case: str = "words"  # capitals required: "words" (each capitalised word), "first", "any" (acronyms always)

    def name(self, lang: str) -> str | None:
        for lg in (lang, *LANGS):
            if self.names.get(lg):
                return self.names[lg][0]
        return None

    def at(self, day: dt.date, prefer: str | None = None) -> tuple[str | None, str | None, str | None, Period | None]:
        """(country, sector, code, office period) of this entry at ``day``.

        With several offices at once, the one matching ``prefer`` (a role key or family, from
        the title in the text) wins, then a state office (GOV) over a party one. People outside
        all offices: the office the text's title names if they held it before the day ("President
        Reagan" in a text dated 2000), else ELI after the last one ended, no sector before the first.
        """
        if not self.periods:
            return self.country, self.sector, self.code, None
        valid = [p for p in self.periods if p.valid(day)]
        if valid:
            fam = ROLE_FAMILIES.get(prefer or "", frozenset((prefer,)) if prefer else frozenset())
            valid.sort(key=lambda p: (p.role not in fam, p.sector != "GOV"))
            p = valid[0]
            return (p.country or self.country, p.sector or self.sector, p.code or self.code, p)
        if self.kind in ("person", "surname"):
            if prefer and prefer != "other":
                # the text's own title names an office the person held ("President Reagan" in a text
                # dated later, or undated): that office, the latest one begun before the day
                fam = ROLE_FAMILIES.get(prefer, frozenset((prefer,)))
                held = [p for p in self.periods if p.role in fam and (p.start is None or p.start <= day)]
                if held:
                    p = max(held, key=lambda x: x.start or dt.date.min)
                    return (p.country or self.country, p.sector or self.sector, p.code or self.code, p)
            if any(p.end is not None and p.end <= day for p in self.periods):
                return self.country, "ELI", None, None
            return self.country, None, None, None
        return self.country, self.sector, self.code, None


# ---------------------------------------------------------------- YAML with line numbers

class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml parser when available
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings ("2019", "2019-05", "2020-13-45"): ``parse_date`` checks them and names the line.
_LineLoader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def cache_dir() -> Path:
    """Where parsed dictionaries are cached ($DRAGOMAN_CACHE_DIR, else ~/.cache/dragoman/actors)."""
    base = os.environ.get("DRAGOMAN_CACHE_DIR")
    if base:
        return Path(base) / "actors"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dragoman" / "actors"


def load_yaml(path: Path) -> dict[str, Any]:
    """Parse a YAML data file (mappings get a ``__line__`` key), cached by content hash: PyYAML
    needs ~20 s for a 50,000-entry file, the cached pickle a fraction of a second."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DataFileError(f"cannot read: {err}", where=str(path)) from err
    digest = hashlib.sha1(raw + _CACHE_SALT).hexdigest()
    cached = cache_dir() / f"{digest}.pickle"
    if len(raw) > 16384:
        try:
            with cached.open("rb") as fh:
                return pickle.load(fh)  # noqa: S301 - our own cache, keyed by the file's hash
        except (OSError, pickle.PickleError, EOFError, AttributeError):
            pass
    data = _parse_yaml(path, raw)
    if len(raw) > 16384:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cached)
        except OSError:
            pass  # a read-only home only costs speed
    return data


_CACHE_SALT = b"dragoman-actors-yaml-3"


def _parse_yaml(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataFileError(f"invalid YAML: {getattr(err, 'problem', err)}", where=where) from err
    except UnicodeDecodeError as err:
        raise DataFileError(f"not UTF-8: {err}", where=str(path)) from err
    if not isinstance(data, dict):
        raise DataFileError("expected a mapping at the top level", where=f"{path}:1")
    return data


def read_tsv(path: Path, min_cols: int) -> Iterable[tuple[int, list[str]]]:
    """Rows of a '#'-commented TSV with a header line (skipped); yields (line number, cells)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise DataFileError(f"cannot read: {err}", where=str(path)) from err
    header_seen = False
    for no, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        cells = line.split("\t")
        if len(cells) < min_cols or not cells[0].strip():
            raise DataFileError(f"expected at least {min_cols} tab-separated columns",
                                where=f"{path}:{no}")
        yield no, [c.strip() for c in cells]


def parse_date(value: Any, *, end: bool = False, where: str = "") -> dt.date | None:
    """YYYY-MM-DD, YYYY-MM or YYYY (a bare end year/month means its last day); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1:
            return dt.date(parts[0], 12, 31) if end else dt.date(parts[0], 1, 1)
        if len(parts) == 2:
            if not end:
                return dt.date(parts[0], parts[1], 1)
            nxt = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return nxt - dt.timedelta(days=1)
        if len(parts) == 3:
            return dt.date(*parts)
    except ValueError:
        pass
    raise DataFileError(f"bad date {text!r} (expected YYYY-MM-DD, YYYY-MM or YYYY)", where=where)


COUNTRY_SYNONYMS: dict[str, str] = {}  # from data/common/naming.yaml (KOS -> XKX ...)


def check_country(value: Any, countries: Container[str], where: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.upper() in COUNTRY_SYNONYMS:
        value = COUNTRY_SYNONYMS[value.upper()]
    if not isinstance(value, str) or value.upper() not in countries:
        raise DataFileError(f"unknown country code {value!r} (expected ISO 3166-1 alpha-3)", where=where)
    return value.upper()


def check_sector(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.upper() not in SECTORS:
        raise DataFileError(f"unknown sector {value!r} (expected one of {', '.join(SECTORS)})", where=where)
    return value.upper()


CODE_SYNONYMS: dict[str, str] = {}  # from data/common/naming.yaml (UNO -> IGOUNO)


def check_code(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.isalnum() or not value.isupper():
        raise DataFileError(f"bad actor code {value!r} (upper-case letters and digits)", where=where)
    return CODE_SYNONYMS.get(value, value)


def names_of(value: Any, where: str) -> dict[str, list[str]]:
    """{en: [...], fr: [...]} or a plain list (same names in every language)."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list):
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise DataFileError("names must be non-empty strings", where=where)
        return {lg: list(value) for lg in LANGS}
    if isinstance(value, dict):
        out: dict[str, list[str]] = {}
        for lg, names in value.items():
            if lg == "__line__":
                continue
            if lg not in LANGS:
                raise DataFileError(f"unknown language {lg!r} (expected en or fr)", where=where)
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names or []):
                raise DataFileError(f"names.{lg} must be a list of non-empty strings", where=where)
            out[lg] = list(names or [])
        return out
    raise DataFileError("names must be a list or a mapping {en: [...], fr: [...]}", where=where)


# ---------------------------------------------------------------- the index

TERMINAL = ""  # never a subtoken


class PhraseIndex:
    """A token trie over ``subtokens`` keys: built once per language, looked up per token."""

    def __init__(self) -> None:
        self.root: dict[str, Any] = {}
        self.size = 0

    def add(self, pattern: str, entry: Entry, override: bool = False) -> None:
        keys = subtokens(pattern)
        if not keys:
            return
        node = self.root
        for k in keys:
            nxt = node.get(k)
            if nxt is None:
                nxt = node[k] = {}
            node = nxt
        flag = case_flag(pattern)
        # proper names keep their capitals; any acronym ("US", "ONG") must be written in capitals
        if flag != 2 and (entry.kind not in CASED_KINDS or entry.case == "any"):
            flag = 0
        elif isinstance(flag, tuple) and entry.case == "first":
            flag = flag[:1] if flag[0] else 0
        item = (entry, flag)
        bucket = node.get(TERMINAL)
        if bucket is None:
            node[TERMINAL] = [item]
            self.size += 1
        elif override:
            # a user entry replaces built-ins of the same phrase (and kind family)
            node[TERMINAL] = [item] + [b for b in bucket if b[0].source == entry.source]
        elif all(b[0] is not entry or b[1] != item[1] for b in bucket):
            bucket.append(item)


# ---------------------------------------------------------------- the knowledge base

@dataclass
class Grammar:
    linkers: frozenset[str]
    locatives: frozenset[str]
    determiners: frozenset[str]
    pronouns: dict[str, str]
    coordinators: frozenset[str] = frozenset()
    determiner_gender: dict[str, str] = field(default_factory=dict)
    all_gender: str | None = None  # English: every country is "it"
    apposition_articles: frozenset[str] = frozenset()
    adjective_after_noun: bool = False
    honorifics: frozenset[str] = frozenset()
    demonym_sector: str | None = None
    # "ethnic Albanians", "Albanais de souche": an ethnicity, not the nationals of a state
    ethnic_before: frozenset[str] = frozenset()
    ethnic_after: tuple[tuple[str, ...], ...] = ()
    # demonyms that also name a people living across borders ("Serbs", "Albanais"): next to a place
    # ("Bosnian Serbs", "Serbes de Bosnie", "Kosovo Albanians") the place gives the country
    ethnonyms: frozenset[str] = frozenset()
    # "in", "à", "près de": a known surname alone after these is a place ("a rally in Lagos")
    place_prepositions: tuple[tuple[str, ...], ...] = ()


class ActorKB:
    """All actor dictionaries; ``index(lang)`` is built once and reused."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.countries: dict[str, Entry] = {}
        self.cow: dict[str, int] = {}
        self.people: dict[str, Entry] = {}
        self.by_role: dict[tuple[str, str], list[tuple[Period, Entry]]] = {}
        self.surname_bearers: dict[str, list[Entry]] = {}  # surname key -> its people's surname entries
        self.grammar: dict[str, Grammar] = {}
        self.family_name_first: frozenset[str] = frozenset()
        self.name_particles: frozenset[str] = frozenset()  # "dos", "von", "bin" (data/common/naming.yaml)
        self.surnames_of: dict[str, list[str]] = {}
        self.country_synonyms: dict[str, str] = {}
        # per language: folded head noun of an organisation name -> (sector with a country, code without)
        self.org_heads: dict[str, dict[str, tuple[str | None, str | None]]] = {}
        self.user_entries: list[Entry] = []
        self._patterns: list[tuple[str, str, Entry, bool]] = []  # (lang or "*", pattern, entry, override)
        self._index: dict[str, PhraseIndex] = {}
        self._lock = threading.Lock()

    # -- building
    def add(self, entry: Entry, patterns: dict[str, list[str]], override: bool = False) -> None:
        self.entries.append(entry)
        for lg, pats in patterns.items():
            for p in pats:
                self._patterns.append((lg, p, entry, override))
        self._index.clear()

    def index(self, lang: str) -> PhraseIndex:
        idx = self._index.get(lang)
        if idx is None:
            with self._lock:
                idx = self._index.get(lang)
                if idx is None:
                    enabled = gc.isenabled()
                    gc.disable()
                    idx = PhraseIndex()
                    for lg, pattern, entry, override in self._patterns:
                        if lg == lang or lg == "*":
                            idx.add(pattern, entry, override)
                    self._index[lang] = idx
                    if enabled:
                        gc.enable()
        return idx

    def surname_holder(self, key: str, day: dt.date) -> Entry | None:
        """The one person a surname alone names at ``day``: its only bearer; else the only bearer in
        office that day ("Bush" in 1990 and in 2005); else, when all bearers are of one country, the
        one whose office ended last before the day (the country is the same whoever is meant)."""
        bearers = self.surname_bearers.get(key, [])
        if len(bearers) <= 1:
            return bearers[0] if bearers else None
        valid = [b for b in bearers if any(p.valid(day) for p in b.periods)]
        if valid:
            return valid[0] if len(valid) == 1 else None
        if len({(b.country, b.code) for b in bearers}) != 1:
            return None
        ended = [(max(p.end for p in b.periods if p.end is not None and p.end <= day), i)
                 for i, b in enumerate(bearers) if any(p.end is not None and p.end <= day for p in b.periods)]
        if ended:
            return bearers[max(ended)[1]]
        return None

    def country_name(self, iso3: str | None, lang: str) -> str | None:
        e = self.countries.get(iso3 or "")
        return e.name(lang) if e else None

    def holders(self, key: str, role: str, day: dt.date) -> list[tuple[Period, Entry]]:
        """People holding ``role`` for country/code ``key`` at ``day`` (role families expanded)."""
        roles = ROLE_FAMILIES.get(role, frozenset((role,)))
        out = []
        for r in roles:
            for period, person in self.by_role.get((key, r), ()):
                if period.valid(day):
                    out.append((period, person))
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_index"] = {}
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    # -- loading
    @classmethod
    def load(cls, extra_files: Sequence[Path] = (), people_file: Path | None = PEOPLE_FILE) -> ActorKB:
        """Built-ins + people + user files (YAML parses are cached, see ``load_yaml``)."""
        # Tens of thousands of small objects: the cyclic GC would rescan them over and over.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._build(extra_files, people_file)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _build(cls, extra_files: Sequence[Path], people_file: Path | None) -> ActorKB:
        kb = cls()
        load_builtins(kb)
        if people_file is not None and Path(people_file).exists():
            from dragoman.actors.people import load_people

            load_people(kb, Path(people_file))
        for path in extra_files:
            from dragoman.actors.userdict import load_user_file

            load_user_file(kb, Path(path))
        return kb


_CACHE: dict[tuple[Any, ...], ActorKB] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple[str, float]:
    try:
        return (str(path), path.stat().st_mtime)
    except OSError:
        return (str(path), -1.0)


def get_kb(extra_files: Sequence[Path] = ()) -> ActorKB:
    """The knowledge base for these user files, loaded once per process (reloaded if a file changed)."""
    key = (_stamp(PEOPLE_FILE), *(_stamp(Path(p)) for p in extra_files))
    with _CACHE_LOCK:
        kb = _CACHE.get(key)
        if kb is None:
            kb = _CACHE[key] = ActorKB.load(extra_files)
        return kb


# ---------------------------------------------------------------- built-in files

def load_builtins(kb: ActorKB) -> None:
    _load_naming(kb, DATA / "common" / "naming.yaml")
    for lang in LANGS:
        _load_grammar(kb, DATA / lang / "actor_grammar.yaml", lang)
    _load_countries(kb, DATA / "common" / "countries.tsv")
    _load_nationalities_fr(kb, DATA / "fr" / "nationalities.tsv")
    _load_nationalities_en(kb, DATA / "en" / "nationalities.tsv")
    _load_metonyms(kb, DATA / "common" / "metonyms.yaml")
    _load_organisations(kb, DATA / "common" / "organisations.yaml")
    for lang in LANGS:
        _load_roles(kb, DATA / lang / "roles.tsv", lang)
        _load_org_heads(kb, DATA / lang / "org_heads.tsv", lang)


def _load_naming(kb: ActorKB, path: Path) -> None:
    data = load_yaml(path)
    syn = data.get("country_synonyms") or {}
    fam = data.get("family_name_first") or []
    if not isinstance(syn, dict) or not isinstance(fam, list):
        raise DataFileError("country_synonyms must be a mapping, family_name_first a list", where=f"{path}:1")
    COUNTRY_SYNONYMS.update({k: v for k, v in syn.items() if k != "__line__"})
    CODE_SYNONYMS.update({k: v for k, v in (data.get("code_synonyms") or {}).items() if k != "__line__"})
    kb.country_synonyms = dict(COUNTRY_SYNONYMS)
    kb.family_name_first = frozenset(fam)
    particles = data.get("name_particles") or []
    if not isinstance(particles, list) or not all(isinstance(p, str) and p.strip() for p in particles):
        raise DataFileError("name_particles must be a list of words", where=f"{path}:1")

    kb.name_particles = frozenset(fold(p) for p in particles)


def _split(cell: str) -> list[str]:
    return [c.strip() for c in cell.split("|") if c.strip()]


def _load_countries(kb: ActorKB, path: Path) -> None:
    for no, cells in read_tsv(path, 4):
        cells += [""] * (12 - len(cells))
        iso3, _iso2, cow, name_en, name_fr, al_en, al_fr, hi_en, hi_fr, cap_en, cap_fr, _state = cells[:12]
        where = f"{path}:{no}"
        if not name_en or not name_fr:
            raise DataFileError("missing English or French name", where=where)
        if len(iso3) != 3 or not iso3.isupper():
            raise DataFileError(f"bad ISO3 code {iso3!r}", where=where)
        if cow and not cow.isdigit():
            raise DataFileError(f"bad Correlates-of-War code {cow!r}", where=where)
        names = {"en": [name_en, *_split(al_en), *_split(hi_en)], "fr": [name_fr, *_split(al_fr), *_split(hi_fr)]}
        entry = Entry(id=f"country:{iso3}", kind="country", country=iso3, names=names, source=str(path))
        kb.countries[iso3] = entry
        if cow:
            kb.cow[iso3] = int(cow)
        kb.add(entry, names)
        caps = {"en": _split(cap_en), "fr": _split(cap_fr)}
        if caps["en"] or caps["fr"]:
            cap = Entry(id=f"capital:{iso3}", kind="capital", country=iso3, sector="GOV", names=caps,
                        source=str(path))
            kb.add(cap, caps)


def _load_nationalities_fr(kb: ActorKB, path: Path) -> None:
    for no, cells in read_tsv(path, 2):
        iso3 = check_country(cells[0], kb.countries, f"{path}:{no}")
        forms = _split(cells[2]) if len(cells) > 2 and cells[2] else fr_forms(cells[1])
        entry = Entry(id=f"nationality:fr:{iso3}", kind="nationality", country=iso3,
                      names={"fr": forms}, source=str(path))
        kb.add(entry, {"fr": forms})
        # plural nouns of inhabitants take a capital in French: "les Nord-Coréens" (adjective: "nord-coréens")
        nouns = ["-".join(part[:1].upper() + part[1:] for part in f.split("-")) for f in forms if f.endswith(("s", "x"))]
        demonym = Entry(id=f"demonym:fr:{iso3}", kind="demonym", country=iso3,
                        sector=kb.grammar["fr"].demonym_sector, names={"fr": nouns}, source=str(path))
        kb.add(demonym, {"fr": nouns})


def _load_nationalities_en(kb: ActorKB, path: Path) -> None:
    for no, cells in read_tsv(path, 3):
        iso3 = check_country(cells[0], kb.countries, f"{path}:{no}")
        adjectives = _split(cells[1])
        nouns = []
        for noun in _split(cells[2]):
            nouns += [noun, *en_plural(noun)]
        if len(cells) > 3:
            nouns += _split(cells[3])
        # a noun spelt like the adjective ("Chinese", "Israeli") stays an adjective
        nouns = [n for n in dict.fromkeys(nouns) if n not in adjectives]
        entry = Entry(id=f"nationality:en:{iso3}", kind="nationality", country=iso3,
                      names={"en": adjectives}, source=str(path))
        kb.add(entry, {"en": adjectives})
        if nouns:
            demonym = Entry(id=f"demonym:en:{iso3}", kind="demonym", country=iso3,
                            sector=kb.grammar["en"].demonym_sector, names={"en": nouns}, source=str(path))
            kb.add(demonym, {"en": nouns})


def _items(data: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list):
        raise DataFileError(f"'{key}' must be a list", where=f"{path}:{data.get('__line__', 1)}")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise DataFileError(f"each item of '{key}' needs an 'id'", where=f"{path}")
    return items


def _load_metonyms(kb: ActorKB, path: Path) -> None:
    data = load_yaml(path)
    codes = kb.countries
    for kind, key in (("seat", "seats"), ("context", "context"), ("place", "places")):
        for item in _items(data, key, path):
            where = f"{path}:{item['__line__']}"
            names = names_of({k: item.get(k) or [] for k in LANGS}, where)
            ctx = tuple(check_country(c, codes, where) or "" for c in item.get("context") or ())
            entry = Entry(id=f"{kind}:{item['id']}", kind=kind, country=check_country(item.get("country"), codes, where),
                          sector=check_sector(item.get("sector"), where), names=names, context=ctx, source=str(path))
            kb.add(entry, names)


def org_entry(item: dict[str, Any], codes: Container[str], where: str, source: str, prefix: str = "org") -> Entry:
    country = check_country(item.get("country"), codes, where)
    sector = check_sector(item.get("sector"), where)
    code = check_code(item.get("code"), where)
    if code and code[:3] in NONSTATE_CODES and country:
        raise DataFileError(f"non-state code {code} must not have a country", where=where)
    if code is None and country:
        code = country + (sector or "")
    if code and code[:3] not in NONSTATE_CODES and not country and code[:3] not in codes:
        raise DataFileError(f"code {code} starts with neither a country nor {'/'.join(NONSTATE_CODES)}",
                            where=where)
    periods = []
    for p in item.get("periods") or []:
        pw = f"{source}:{p.get('__line__', '?')}" if isinstance(p, dict) else where
        if not isinstance(p, dict):
            raise DataFileError("each period must be a mapping", where=pw)
        pc = check_country(p.get("country"), codes, pw)
        ps = check_sector(p.get("sector"), pw)
        periods.append(Period(parse_date(p.get("from"), where=pw), parse_date(p.get("to"), end=True, where=pw),
                              pc, ps, check_code(p.get("code"), pw) or ((pc + (ps or "")) if pc else None)))
    names = names_of({k: item.get(k) or [] for k in LANGS} if "names" not in item else item["names"], where)
    if not any(names.values()):
        raise DataFileError("entry has no names", where=where)
    role = item.get("office")
    return Entry(id=f"{prefix}:{item['id']}", kind="org", country=country, sector=sector, code=code,
                 role=role if role in ROLE_KEYS else None, qid=item.get("qid"), names=names,
                 periods=periods, source=source)


def _load_organisations(kb: ActorKB, path: Path) -> None:
    data = load_yaml(path)
    codes = kb.countries
    seen: dict[str, str] = {}
    for item in _items(data, "organisations", path):
        where = f"{path}:{item['__line__']}"
        if item["id"] in seen:
            raise DataFileError(f"duplicate id {item['id']!r} (first at {seen[item['id']]})", where=where)
        seen[item["id"]] = where
        entry = org_entry(item, codes, where, str(path))
        kb.add(entry, entry.names)


def _load_roles(kb: ActorKB, path: Path, lang: str) -> None:
    for no, cells in read_tsv(path, 3):
        where = f"{path}:{no}"
        phrase, sector, rtype = cells[0], check_sector(cells[1], where), cells[2]
        role = cells[3] if len(cells) > 3 and cells[3] else None
        if rtype not in ("title", "group", "body", "portfolio"):
            raise DataFileError(f"bad role type {rtype!r} (title, group, body, portfolio)", where=where)
        if role and role not in ROLE_KEYS and role not in ROLE_FAMILIES:
            raise DataFileError(f"unknown role key {role!r}", where=where)
        forms = expand_plural(phrase, lang)
        entry = Entry(id=f"role:{lang}:{forms[0]}", kind="role", sector=sector, role=role, rtype=rtype,
                      names={lang: forms}, source=str(path))
        kb.add(entry, {lang: forms})


def _load_org_heads(kb: ActorKB, path: Path, lang: str) -> None:
    heads: dict[str, tuple[str | None, str | None]] = {}
    for no, cells in read_tsv(path, 2):
        where = f"{path}:{no}"
        sector = check_sector(cells[1], where)
        code = check_code(cells[2], where) if len(cells) > 2 and cells[2] else None
        if code and code[:3] not in NONSTATE_CODES:
            raise DataFileError(f"code {code} is not a non-state code ({'/'.join(NONSTATE_CODES)})", where=where)
        if sector is None:
            raise DataFileError("missing sector", where=where)
        heads[fold(cells[0])] = (sector, code)
    kb.org_heads[lang] = heads


def _load_grammar(kb: ActorKB, path: Path, lang: str) -> None:
    data = load_yaml(path)
    where = f"{path}:1"
    try:
        kb.grammar[lang] = Grammar(
            linkers=frozenset(fold(w) for w in data["linkers"]),
            locatives=frozenset(fold(w) for w in data["locatives"]),
            determiners=frozenset(fold(w) for w in data["determiners"]),
            pronouns={fold(k): v for k, v in (data.get("pronouns") or {}).items() if k != "__line__"},
            coordinators=frozenset(fold(w) for w in data.get("coordinators") or ()),
            demonym_sector=check_sector(data.get("demonym_sector"), where),
            determiner_gender={fold(k): v for k, v in (data.get("determiner_gender") or {}).items() if k != "__line__"},
            all_gender=data.get("all_gender"),
            apposition_articles=frozenset(fold(w) for w in data.get("apposition_articles") or ()),
            adjective_after_noun=bool(data.get("adjective_after_noun")),
            honorifics=frozenset(fold(w) for w in data.get("honorifics") or ()),
            ethnic_before=frozenset(fold(w) for w in data.get("ethnic_before") or ()),
            ethnic_after=tuple(tuple(fold(x) for x in str(w).split()) for w in data.get("ethnic_after") or ()),
            ethnonyms=frozenset(" ".join(subtokens(w)) for w in data.get("ethnonyms") or ()),
            place_prepositions=tuple(tuple(fold(x) for x in str(w).split()) for w in data.get("place_prepositions") or ()),
        )
    except (KeyError, TypeError) as err:
        raise DataFileError(f"missing or bad key {err}", where=where) from err


def read_csv_rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with a header, '#' comment lines skipped; yields (real line number, row)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"cannot read: {err}", where=str(path)) from err
    kept = [(no, line) for no, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(line for _, line in kept)
    for (no, _), row in zip(kept[1:], reader, strict=False):
        yield no, {k.strip(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
