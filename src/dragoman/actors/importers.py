"""Importers into our user-dictionary YAML format (``docs/actors.md``).

- ``import_tabari``: TABARI / PETRARCH actor and agent dictionaries: ``WORD_WORD [CODE]`` entries,
  ``+`` synonyms, indented code lines, date-restricted codes (``[SCG 920428-060605]``,
  ``[IGOUNO >20070101]``, ``[USRARM <900823]``), ``!SET!`` substitution sets, ``#`` comments.
- ``import_wikidata``: Wikidata entity JSON (one entity per line, as in the dumps) -> people with
  their positions held (P39) bounded by start/end time qualifiers (P580/P582).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dragoman.actors.kb import COUNTRY_SYNONYMS, DATA, get_kb, load_yaml, read_tsv
from dragoman.actors.text import fold
from dragoman.schema import NONSTATE_CODES, SECTORS


@dataclass
class ImportResult:
    entries: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, why)

    def to_yaml(self, source: str) -> str:
        import yaml

        head = f"# Imported by dragoman actors from {source}\n"
        body = {"version": 1, "actors": self.entries}
        return head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=110)


def _cameo_map() -> dict[str, str]:
    return {cells[0]: cells[1] for _no, cells in read_tsv(DATA / "common" / "cameo_sectors.tsv", 2)}


_CODE = re.compile(r"\[([^\]]*)\]")
_SLUG = re.compile(r"[^a-z0-9]+")
_BRACES = re.compile(r"\{([^}]*)\}")


def _tabari_date(text: str) -> dt.date:
    """YYMMDD (two-digit years: 00-29 -> 20xx, 30-99 -> 19xx) or YYYYMMDD."""
    if len(text) == 6:
        yy = int(text[:2])
        return dt.date(2000 + yy if yy <= 29 else 1900 + yy, int(text[2:4]), int(text[4:6]))
    if len(text) == 8:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    raise ValueError(text)


class _Tabari:
    def __init__(self) -> None:
        kb = get_kb()
        self.countries = kb.countries
        self.sectors = _cameo_map()

    def phrase(self, raw: str) -> str | None:
        """'UN_SECRETARY_GENERAL_' -> 'Un Secretary General', 'UN_' -> 'UN' (None if unusable).

        A one-word name of up to four letters stays in capitals (an acronym: "US" is not "us")."""
        text = raw.strip().rstrip("_").replace("_", " ")
        text = re.sub(r"\s+", " ", text).strip()
        if not text or not re.fullmatch(r"[\w .'&,/()-]+", text):
            return None
        if " " not in text and len(text.replace(".", "")) <= 4:
            return text.upper()
        return " ".join(w if any(c.isdigit() for c in w) else w.capitalize() if w.isupper() else w
                        for w in text.split(" "))

    def code(self, raw: str) -> dict[str, Any] | None:
        """'AFGGOVMED 031001-041231' -> {country, sector, code, from, to}; None if unusable."""
        parts = raw.split()
        if not parts:
            return None
        code = parts[0].replace("~", "")
        if not code.isalnum() or not code.isupper():
            return None
        out: dict[str, Any] = {}
        head = COUNTRY_SYNONYMS.get(code[:3], code[:3])
        if raw.strip().startswith("~") or (len(code) == 3 and code in self.sectors
                                             and head not in self.countries and head not in NONSTATE_CODES):
            sector = self._sector(code)
            if sector is None:
                return None
            out = {"sector": sector}
        elif head in NONSTATE_CODES:
            out = {"code": code}
        elif head in self.countries:
            out = {"country": head, "sector": self._sector(code[3:])}
        else:
            return None
        if len(parts) > 1:
            when = parts[1]
            try:
                if when.startswith(">"):
                    out["from"] = _tabari_date(when[1:])
                elif when.startswith("<"):
                    out["to"] = _tabari_date(when[1:])
                elif "-" in when:
                    a, b = when.split("-", 1)
                    out["from"], out["to"] = _tabari_date(a), _tabari_date(b)
                else:
                    return None
            except ValueError:
                return None
        return out

    def _sector(self, rest: str) -> str | None:
        for i in range(0, len(rest) - 2, 3):
            s = self.sectors.get(rest[i:i + 3])
            if s in SECTORS:
                return s
        return None


def import_tabari(path: Path) -> ImportResult:
    tab = _Tabari()
    res = ImportResult()
    sets: dict[str, list[str]] = {}
    current: dict[str, Any] | None = None
    ids: set[str] = set()

    def close() -> None:
        nonlocal current
        if current is not None and not current.get("skip"):
            entry = _tabari_entry(current)
            if entry is None:
                res.bad_lines.append((current["line"], current["text"], "no usable code"))
            else:
                base = _SLUG.sub("-", fold(entry["names"][0])).strip("-") or "entry"
                slug, n = base, 2
                while slug in ids:
                    slug, n = f"{base}-{n}", n + 1
                ids.add(slug)
                res.entries.append({"id": slug, **{k: v for k, v in entry.items()}})
        current = None

    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for no, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        m = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", line.strip())
        if m:
            sets[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        codes = [c for c in _CODE.findall(line) if c.strip() not in ("---", "")]  # [---]: no code
        body = _CODE.sub("", line).strip()
        plurals = [p for group in _BRACES.findall(body) for p in group.split(",") if p.strip()]
        body = _BRACES.sub("", body).replace('"', "").strip()
        if line[0] in " \t" and not body:  # indented code line(s) for the current entry
            if current is None:
                res.bad_lines.append((no, raw, "code without an entry"))
                continue
            for c in codes:
                parsed = tab.code(c)
                if parsed is None:
                    res.bad_lines.append((no, raw, f"unreadable code [{c}]"))
                else:
                    current["codes"].append(parsed)
            continue
        synonym = body.startswith("+")
        if not synonym:
            close()
        phrases = [x for b in (body.lstrip("+"), *plurals) for x in _expand_sets(b, sets)]
        names = [p for p in (tab.phrase(x) for x in phrases) if p]
        if not names:
            res.bad_lines.append((no, raw, "unreadable phrase"))
            if not synonym:  # swallow its code lines
                current = {"line": no, "text": raw, "names": [], "codes": [], "skip": True}
            continue
        if synonym:
            if current is None:
                res.bad_lines.append((no, raw, "synonym without an entry"))
                continue
            current["names"] += names
        else:
            current = {"line": no, "text": raw, "names": names, "codes": []}
        for c in codes:
            parsed = tab.code(c)
            if parsed is None:
                res.bad_lines.append((no, raw, f"unreadable code [{c}]"))
            else:
                current["codes"].append(parsed)
    close()
    return res


def _expand_sets(phrase: str, sets: dict[str, list[str]]) -> list[str]:
    m = re.search(r"![A-Z]+!", phrase)
    if not m or m.group(0) not in sets:
        return [phrase]
    out = []
    for alt in sets[m.group(0)]:
        sub = phrase[:m.start()] + alt + "_" + phrase[m.end():].lstrip("_ ")
        out += _expand_sets(sub.strip(), sets)
    return out


def _tabari_entry(cur: dict[str, Any]) -> dict[str, Any] | None:
    codes = cur["codes"]
    if not codes:
        return None
    names = list(dict.fromkeys(cur["names"]))
    if all("sector" in c and "country" not in c and "code" not in c for c in codes):
        return {"type": "role", "names": names, "sector": codes[0]["sector"], "rtype": "group"}
    home = next((c["country"] for c in codes if c.get("country")), None)
    for c in codes:  # a bare "[ELI]" after "[AFGGOV ...]" keeps the country
        if "sector" in c and "country" not in c and "code" not in c and home:
            c["country"] = home
    undated = [c for c in codes if "from" not in c and "to" not in c]
    dated = [c for c in codes if "from" in c or "to" in c]
    base = undated[-1] if undated else {}
    # TABARI matches without case: only the first word's capital is required (acronyms stay in capitals)
    entry: dict[str, Any] = {"type": "org", "case": "first", "names": names}
    for key in ("country", "sector", "code"):
        if base.get(key):
            entry[key] = base[key]
    if dated:
        entry["periods"] = [{k: c[k] for k in ("from", "to", "country", "sector", "code") if c.get(k)}
                            for c in dated]
    if not any(entry.get(k) for k in ("country", "code")) and not dated:
        return None
    return entry


# ---------------------------------------------------------------- Wikidata

def _wd_time(claim_qualifiers: dict[str, Any], prop: str) -> str | None:
    for q in claim_qualifiers.get(prop, []):
        value = (q.get("datavalue") or {}).get("value") or {}
        t, prec = value.get("time"), value.get("precision", 11)
        if not t:
            continue
        m = re.match(r"^\+?(\d{4})-(\d{2})-(\d{2})", t)
        if not m:
            continue
        y, mo, d = m.groups()
        if prec >= 11 and mo != "00" and d != "00":
            return f"{y}-{mo}-{d}"
        if prec == 10 and mo != "00":
            return f"{y}-{mo}"
        return y
    return None


def _labels(ent: dict[str, Any], lang: str) -> list[str]:
    out = []
    lab = (ent.get("labels") or {}).get(lang)
    if lab:
        out.append(lab["value"])
    out += [a["value"] for a in (ent.get("aliases") or {}).get(lang, [])]
    return list(dict.fromkeys(out))


def _read_entities(path: Path, res: ImportResult) -> list[dict[str, Any]]:
    ents = []
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip().rstrip(",")
        if line in ("", "[", "]"):
            continue
        try:
            ent = json.loads(line)
        except json.JSONDecodeError as err:
            res.bad_lines.append((no, raw[:80], f"bad JSON: {err.msg}"))
            continue
        if not isinstance(ent, dict) or "id" not in ent:
            res.bad_lines.append((no, raw[:80], "not an entity"))
            continue
        ents.append(ent)
    return ents


def import_wikidata(path: Path) -> ImportResult:
    res = ImportResult()
    rules = load_yaml(DATA / "common" / "wikidata.yaml")
    countries = {k: v for k, v in (rules.get("countries") or {}).items() if k != "__line__"}
    role_rules = [(fold(r["match"]), r["role"], r.get("sector", "GOV")) for r in rules.get("roles") or []]
    ents = _read_entities(path, res)
    by_id = {e["id"]: e for e in ents}
    for ent in ents:
        claims = ent.get("claims") or {}
        if not claims.get("P39"):
            continue
        offices = []
        country = None
        for c in claims.get("P27", []):
            qid = ((c.get("mainsnak") or {}).get("datavalue") or {}).get("value", {}).get("id")
            country = country or countries.get(qid)
        for c in claims["P39"]:
            pos = ((c.get("mainsnak") or {}).get("datavalue") or {}).get("value", {}).get("id")
            quals = c.get("qualifiers") or {}
            start, end = _wd_time(quals, "P580"), _wd_time(quals, "P582")
            if pos is None or start is None:
                res.bad_lines.append((0, f"{ent['id']} P39 {pos}", "position without a start time (P580)"))
                continue
            pent = by_id.get(pos, {})
            label_en = (_labels(pent, "en") or [pos])[0]
            label_fr = (_labels(pent, "fr") or [None])[0]
            role, sector = "other", "GOV"
            for pat, r, s in role_rules:
                if pat in fold(label_en):
                    role, sector = r, s
                    break
            for j in (pent.get("claims") or {}).get("P1001", []):  # applies to jurisdiction
                qid = ((j.get("mainsnak") or {}).get("datavalue") or {}).get("value", {}).get("id")
                country = country or countries.get(qid)
            offices.append({"office": label_en, "office_fr": label_fr, "role": role, "sector": sector,
                            "from": start, "to": end})
        names = {lg: _labels(ent, lg) for lg in ("en", "fr")}
        if not offices or not (names["en"] or names["fr"]):
            continue
        surnames = {lg: list(dict.fromkeys(n.split()[-1] for n in names[lg][:1])) for lg in names if names[lg]}
        res.entries.append({"id": ent["id"].lower(), "type": "person", "qid": ent["id"], "country": country,
                            "names": {k: v for k, v in names.items() if v}, "surnames": surnames,
                            "offices": offices})
    return res
