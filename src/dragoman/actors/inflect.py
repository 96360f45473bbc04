"""Regular inflection of nationality adjectives and role nouns (the irregular ones are listed
in the data files)."""

from __future__ import annotations

import re


def fr_forms(base: str) -> list[str]:
    """All four forms (m.sg, f.sg, m.pl, f.pl) of a French adjective of nationality.

    In a hyphenated compound only the last element varies ("nord-coréen" -> "nord-coréennes").
    """
    head, sep, last = base.rpartition("-")
    prefix = head + sep
    if last.endswith("e") and not last.endswith("é"):
        forms = [last, last + "s"]
    elif last.endswith("en"):
        forms = [last, last + "ne", last + "s", last + "nes"]
    elif last.endswith(("s", "x")):
        forms = [last, last + "e", last + "es"]
    else:
        forms = [last, last + "e", last + "s", last + "es"]
    return [prefix + f for f in forms]


def en_plural(noun: str) -> list[str]:
    """Plural(s) of an English demonym or role noun: [] when invariable."""
    if noun.endswith(("ese", "ish", "ch", "sh", "ss", "Swiss")):
        return []
    if noun.endswith("man"):
        return [noun[:-3] + "men"]
    if noun.endswith("woman"):
        return [noun[:-5] + "women"]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return [noun[:-1] + "ies"]
    if noun.endswith(("s", "x", "z")):
        return [noun + "es"]
    return [noun + "s"]


def expand_plural(phrase: str, lang: str) -> list[str]:
    """'minister+s' -> ['minister', 'ministers']; '+x' adds an -x plural (French)."""
    if "+" not in phrase:
        return [phrase]
    single = re.sub(r"\+(es|s|x)\b", "", phrase)
    plural = re.sub(r"\+(es|s|x)\b", r"\1", phrase)
    return [single, plural]
