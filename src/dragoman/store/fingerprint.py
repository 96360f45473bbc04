"""Near-duplicate fingerprints: a MinHash signature over word 5-grams.

Wire stories reprinted by several sites differ by a headline, a byline or a
footer; their 5-gram sets overlap almost entirely (Jaccard well above 0.5),
while independent reports of the same event share few 5-grams (near 0).
The signature is 32 minima of 32-bit hashes, stored as 256 hex characters;
the share of equal minima estimates the Jaccard similarity of the two texts.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

SHINGLE = 5
NUM_HASHES = 32
COPY_SIMILARITY = 0.5  # estimated Jaccard of 5-gram sets at or above which two texts are copies
_WORD = re.compile(r"\w+", re.UNICODE)
_KEYS = (b"dragoman-mh-0", b"dragoman-mh-1")


def fingerprint(text: str) -> str | None:
    """Hex MinHash signature of ``text`` (None when it has no words)."""
    words = _WORD.findall(text.lower())
    if not words:
        return None
    if len(words) < SHINGLE:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    raw = b"".join(
        hashlib.blake2b(s.encode("utf-8"), digest_size=64, key=key).digest()
        for s in shingles for key in _KEYS
    )
    values = np.frombuffer(raw, dtype=">u4").reshape(len(shingles), NUM_HASHES)
    return "".join(f"{int(v):08x}" for v in values.min(axis=0))


def similarity(a: str | None, b: str | None) -> float:
    """Estimated Jaccard similarity of the 5-gram sets behind two fingerprints (0 if either is missing)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    same = sum(a[i:i + 8] == b[i:i + 8] for i in range(0, len(a), 8))
    return same / (len(a) // 8)


def is_copy(a: str | None, b: str | None) -> bool:
    return similarity(a, b) >= COPY_SIMILARITY
