"""Text keys shared by the dictionary index and the matcher.

Both sides go through ``subtokens``: lower case, accents folded, apostrophes, dots and hyphens
dropped, so "Nord-Coréens", "nord coréens" and spaCy's "Nord-Coréens" token give the same keys
whatever the tokenizer did with the hyphen.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPLIT = re.compile(r"[^\W_]+|[^\w\s.'\-’‘`´]")


@lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """Lower case without accents (é -> e, ï -> i); ligatures expanded."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=262144)
def subtokens(text: str) -> tuple[str, ...]:
    return tuple(_SPLIT.findall(fold(text)))


def letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


_WORDS = re.compile(r"[^\W_]+")


def case_flag(pattern: str) -> int | tuple[bool, ...]:
    """0: any case; 2: all letters upper case (acronyms); otherwise, for mixed case, which words
    must start with a capital ("La Réunion" -> (True, True): "la réunion" is no island)."""
    if pattern.isupper() and sum(c.isalpha() for c in pattern) >= 2:
        return 2
    sig = tuple(w[:1].isupper() for w in _WORDS.findall(pattern))
    return sig if any(sig) else 0


def case_ok(flag: int | tuple[bool, ...], text: str) -> bool:
    if flag == 0:
        return True
    if flag == 2:
        return letters(text).isupper()
    words = _WORDS.findall(text)
    return all(not need or (i < len(words) and words[i][:1].isupper()) for i, need in enumerate(flag))
