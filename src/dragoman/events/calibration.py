"""Calibrated confidence: how often events like this one are right on the dev sets.

The events stage first gives every statement of an event a transparent *raw score*
(``merge.confidence`` over ``merge.Features``, kept in ``Evidence.score``). An event's raw
score is its best statement's score plus 0.05 for every further statement (capped at 0.99),
what ``confidence`` used to be. This module turns that into a probability:

1. a linear score ``z = w0 + w1 * logit(raw) + sum of weights of the event's features``
   (the table may weigh type, language, status, participants found, rule family, reported
   speech, number of statements, derived event kind; the fit weighs ``FITTED_FEATURES``),
   fitted by L2-regularised logistic regression;
2. an isotonic (pool-adjacent-violators) step function from ``z`` to the probability.

Both are stored in ``data/common/calibration.tsv`` and refitted by one command
(``dragoman eval --fit-calibration src/dragoman/data/common/calibration.tsv GOLD...``);
what counts as "right" on each dev set is defined in ``dragoman.evaluate`` and
docs/evaluation.md. The table is validated at load (``DataFileError`` naming file and line).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from dragoman.errors import DataFileError
from dragoman.schema import PLOVER_TYPES, STATUSES, Event

CALIBRATION_PATH = "data/common/calibration.tsv"

# The categorical features of an event and their allowed values (a table naming anything
# else is rejected at load).
FEATURE_VALUES: dict[str, tuple[str, ...]] = {
    "type": PLOVER_TYPES,
    "lang": ("fr", "en", "other"),
    "status": STATUSES,
    "args": ("none", "actor", "recipient", "both"),
    "rule": ("direct", "nominal", "indirect", "speech", "trigger-only"),
    "reported": ("yes", "no"),
    "mentions": ("1", "2+"),
    "derived": ("none", "intent", "threat", "obligation"),
}
# The features the fit weighs. All of FEATURE_VALUES were tried: on held-out halves of the dev
# sets only the type and the language improved on the raw score (docs/evaluation.md); the others
# made held-out ECE and Brier worse, so they are measured (``event_features``) but not fitted.
FITTED_FEATURES: tuple[str, ...] = ("type", "lang")
_INDIRECT_RULES = ("coordination-repair", "pair-anaphora", "pronoun", "object-event-anaphora",
                   "adjacency-fallback", "subject-repair", "location-recipient", "destination", "swap")
_EPS = 1e-3


# --------------------------------------------------------------------------- features

def event_score(ev: Event) -> float:
    """The raw feature score of an event: best statement + 0.05 per further statement, <= 0.99."""
    scores = [e.score for e in ev.evidence if e.score is not None]
    if not scores:
        return ev.confidence
    return round(min(0.99, max(scores) + 0.05 * (len(ev.evidence) - 1)), 3)


def event_features(ev: Event) -> dict[str, str]:
    """The categorical features the calibration may weigh (all known at coding time)."""
    rule = (ev.evidence[0].rule if ev.evidence else None) or "trigger-only"
    parts = rule.split("+")
    derived = "none"
    if rule == "speech-obligation":
        derived = "obligation"
    elif parts[-1] in ("intent", "threat"):
        derived = parts[-1]
    if rule == "speech-obligation":
        family = "speech"
    elif any(p in _INDIRECT_RULES for p in parts):
        family = "indirect"
    elif "nominal" in parts or "support-verb" in parts:
        family = "nominal"
    elif parts[0] == "trigger-only" and not (ev.actor or ev.recipient):
        family = "trigger-only"
    else:
        family = "direct"
    has_a, has_r = bool(ev.actor), bool(ev.recipient)
    args = "both" if has_a and has_r else "actor" if has_a else "recipient" if has_r else "none"
    return {
        "type": ev.type,
        "lang": ev.lang if ev.lang in ("fr", "en") else "other",
        "status": ev.status if ev.status in STATUSES else "occurred",
        "args": args,
        "rule": family,
        "reported": "yes" if ev.reported_by else "no",
        "mentions": "1" if len(ev.evidence) <= 1 else "2+",
        "derived": derived,
    }


def _logit(p: float) -> float:
    p = min(1 - _EPS, max(_EPS, p))
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)


# --------------------------------------------------------------------------- the table

@dataclass
class Calibration:
    """Weights of the linear score and the isotonic steps (``(upper bound of z, probability)``)."""

    intercept: float = 0.0
    slope: float = 1.0  # weight of logit(raw score)
    weights: dict[tuple[str, str], float] = field(default_factory=dict)
    steps: list[tuple[float, float]] = field(default_factory=list)

    def linear(self, raw: float, features: dict[str, str]) -> float:
        z = self.intercept + self.slope * _logit(raw)
        for name, value in features.items():
            z += self.weights.get((name, value), 0.0)
        return z

    def probability(self, raw: float, features: dict[str, str]) -> float:
        z = self.linear(raw, features)
        if not self.steps:
            return round(_sigmoid(z), 3)
        for upper, p in self.steps:
            if z <= upper:
                return p
        return self.steps[-1][1]

    def __call__(self, ev: Event) -> float:
        return self.probability(event_score(ev), event_features(ev))


def parse_calibration(text: str, where: str = CALIBRATION_PATH) -> Calibration:
    """Read a calibration TSV; every bad line raises ``DataFileError`` naming file and line.

    Lines (tab-separated, ``#`` comments and blank lines ignored):
    ``intercept <tab> - <tab> - <tab> W``, ``slope <tab> - <tab> - <tab> W``,
    ``weight <tab> FEATURE <tab> VALUE <tab> W`` and ``step <tab> - <tab> UPPER <tab> P``
    (steps in increasing UPPER and non-decreasing P, the last UPPER ``inf``).
    """
    cal = Calibration(slope=0.0)
    seen_slope = False
    for lineno, raw_line in enumerate(text.splitlines(), 1):
        line = raw_line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        at = f"{where}:{lineno}"
        cols = line.split("\t")
        if len(cols) != 4:
            raise DataFileError(f"expected 4 tab-separated columns, found {len(cols)}", where=at)
        kind, name, key, value = (c.strip() for c in cols)
        try:
            number = float(value)
        except ValueError:
            raise DataFileError(f"{value!r} is not a number", where=at) from None
        if math.isnan(number) or (math.isinf(number) and kind != "step"):
            raise DataFileError(f"{value!r} is not a finite number", where=at)
        if kind == "intercept":
            cal.intercept = number
        elif kind == "slope":
            cal.slope, seen_slope = number, True
        elif kind == "weight":
            if name not in FEATURE_VALUES:
                raise DataFileError(f"unknown feature {name!r} (known: {', '.join(FEATURE_VALUES)})", where=at)
            if key not in FEATURE_VALUES[name]:
                raise DataFileError(f"unknown value {key!r} for feature {name}", where=at)
            if (name, key) in cal.weights:
                raise DataFileError(f"weight {name}={key} given twice", where=at)
            cal.weights[(name, key)] = number
        elif kind == "step":
            try:
                upper = float(key)
            except ValueError:
                raise DataFileError(f"step bound {key!r} is not a number", where=at) from None
            if not 0.0 <= number <= 1.0:
                raise DataFileError(f"step probability {number} is outside 0..1", where=at)
            if cal.steps and upper <= cal.steps[-1][0]:
                raise DataFileError(f"step bound {upper} does not increase", where=at)
            if cal.steps and number < cal.steps[-1][1]:
                raise DataFileError(f"step probability {number} decreases (the map must be monotone)", where=at)
            cal.steps.append((upper, number))
        else:
            raise DataFileError(f"unknown line kind {kind!r} (intercept, slope, weight or step)", where=at)
    if not seen_slope:
        raise DataFileError("no 'slope' line", where=where)
    if not cal.steps:
        raise DataFileError("no 'step' line", where=where)
    if not math.isinf(cal.steps[-1][0]):
        raise DataFileError("the last step's bound must be 'inf'", where=where)
    return cal


def format_calibration(cal: Calibration, header: Iterable[str] = ()) -> str:
    """The TSV text of a calibration (inverse of ``parse_calibration``)."""
    lines = [f"# {h}" if h else "#" for h in header]
    lines.append(f"intercept\t-\t-\t{cal.intercept:.4f}")
    lines.append(f"slope\t-\t-\t{cal.slope:.4f}")
    for (name, key), w in sorted(cal.weights.items()):
        lines.append(f"weight\t{name}\t{key}\t{w:.4f}")
    for upper, p in cal.steps:
        lines.append(f"step\t-\t{'inf' if math.isinf(upper) else f'{upper:.4f}'}\t{p:.4f}")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=4)
def load_calibration(path: str | None = None) -> Calibration:
    """The shipped calibration table (or the one at ``path``). Cached."""
    if path is None:
        text = (resources.files("dragoman") / CALIBRATION_PATH).read_text(encoding="utf-8")
        return parse_calibration(text, CALIBRATION_PATH)
    return parse_calibration(Path(path).read_text(encoding="utf-8"), str(path))


def calibrate_events(events: Iterable[Event], cal: Calibration | None = None) -> None:
    """Set each event's ``confidence`` to its calibrated probability."""
    cal = cal or load_calibration()
    for ev in events:
        ev.confidence = cal(ev)


# --------------------------------------------------------------------------- fitting

def pav(xs: Sequence[float], ys: Sequence[float], weights: Sequence[float] | None = None
        ) -> list[tuple[float, float, float, float]]:
    """Isotonic regression by pool-adjacent-violators.

    Returns blocks ``(x_low, x_high, mean_y, weight)`` in increasing x, means non-decreasing;
    equal x values always share a block.
    """
    if len(xs) != len(ys) or (weights is not None and len(weights) != len(xs)):
        raise ValueError("xs, ys and weights must have the same length")
    ws = list(weights) if weights is not None else [1.0] * len(xs)
    # equal x values first become one point (their weighted mean), then points are pooled
    points: dict[float, list[float]] = {}
    for x, y, w in zip(xs, ys, ws, strict=True):
        acc = points.setdefault(x, [0.0, 0.0])
        acc[0] += w * y
        acc[1] += w
    # blocks: [x_low, x_high, sum_wy, sum_w]
    blocks: list[list[float]] = []
    for x in sorted(points):
        blocks.append([x, x, *points[x]])
        while len(blocks) > 1 and blocks[-2][2] / blocks[-2][3] >= blocks[-1][2] / blocks[-1][3]:
            last = blocks.pop()
            b = blocks[-1]
            b[1], b[2], b[3] = last[1], b[2] + last[2], b[3] + last[3]
    return [(b[0], b[1], b[2] / b[3], b[3]) for b in blocks]


@dataclass
class Sample:
    """One judged event: raw score, features, and whether it was right."""

    raw: float
    features: dict[str, str]
    right: bool


def _design(samples: Sequence[Sample], features: Sequence[str]) -> tuple[list[tuple[str, str]], list[list[float]]]:
    """Columns: intercept, logit(raw), then one indicator per (feature, value) seen."""
    keys = sorted({(n, v) for s in samples for n, v in s.features.items() if n in features})
    col = {k: i + 2 for i, k in enumerate(keys)}
    rows = []
    for s in samples:
        row = [0.0] * (len(keys) + 2)
        row[0], row[1] = 1.0, _logit(s.raw)
        for n, v in s.features.items():
            if (n, v) in col:
                row[col[(n, v)]] = 1.0
        rows.append(row)
    return keys, rows


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is positive definite here)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        piv = m[c][c]
        for r in range(c + 1, n):
            f = m[r][c] / piv
            if f:
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x


def _logistic(rows: list[list[float]], ys: list[float], l2: float, iterations: int = 25) -> list[float]:
    """L2-regularised logistic regression by Newton's method (intercept and slope not penalised)."""
    k = len(rows[0])
    beta = [0.0] * k
    beta[1] = 1.0
    for _ in range(iterations):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for row, y in zip(rows, ys, strict=True):
            p = _sigmoid(sum(b * x for b, x in zip(beta, row, strict=True)))
            w = max(p * (1 - p), 1e-6)
            nz = [(i, x) for i, x in enumerate(row) if x]
            for i, xi in nz:
                grad[i] += (y - p) * xi
                for j, xj in nz:
                    hess[i][j] += w * xi * xj
        for i in range(2, k):
            grad[i] -= l2 * beta[i]
            hess[i][i] += l2
        for i in range(2):
            hess[i][i] += 1e-6
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-7:
            break
    return beta


def fit_calibration(samples: Sequence[Sample], *, l2: float = 50.0, min_block: float = 25.0,
                    features: Sequence[str] = FITTED_FEATURES) -> Calibration:
    """Fit the linear score by logistic regression, then the isotonic map from it to probability.

    ``features``: the categorical features weighed (names of ``FEATURE_VALUES``);
    ``min_block``: isotonic blocks lighter than this are pooled with a neighbour (fewer, steadier steps).
    """
    if not samples:
        raise ValueError("no judged events to fit a calibration on")
    unknown = [f for f in features if f not in FEATURE_VALUES]
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}")
    keys, rows = _design(samples, features)
    ys = [1.0 if s.right else 0.0 for s in samples]
    beta = _logistic(rows, ys, l2)
    cal = Calibration(intercept=beta[0], slope=beta[1],
                      weights={k: beta[i + 2] for i, k in enumerate(keys) if abs(beta[i + 2]) >= 5e-5})
    zs = [cal.linear(s.raw, s.features) for s in samples]
    blocks = pav(zs, ys)
    blocks = _pool_small(blocks, min_block)
    steps = []
    for i, (_lo, hi, mean, _w) in enumerate(blocks):
        upper = math.inf if i == len(blocks) - 1 else (hi + blocks[i + 1][0]) / 2
        steps.append((upper, round(mean, 4)))
    cal.steps = steps
    return cal


def _pool_small(blocks: list[tuple[float, float, float, float]], min_block: float
                ) -> list[tuple[float, float, float, float]]:
    out = [list(b) for b in blocks]
    changed = True
    while changed and len(out) > 1:
        changed = False
        for i, b in enumerate(out):
            if b[3] < min_block:
                j = i - 1 if i == len(out) - 1 or (i > 0 and out[i - 1][3] <= out[i + 1][3]) else i + 1
                lo, hi = (j, i) if j < i else (i, j)
                a, c = out[lo], out[hi]
                w = a[3] + c[3]
                out[lo] = [a[0], c[1], (a[2] * a[3] + c[2] * c[3]) / w, w]
                del out[hi]
                changed = True
                break
    return [tuple(b) for b in out]  # type: ignore[misc]


# --------------------------------------------------------------------------- measuring

def reliability(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> dict[str, object]:
    """Reliability of ``(confidence, right)`` pairs: per equal-width bin the count, mean
    confidence and fraction right; expected calibration error (count-weighted mean gap) and
    Brier score."""
    table = []
    n = len(pairs)
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, r) for c, r in pairs if (lo <= c < hi) or (b == bins - 1 and c == hi)]
        if not inside:
            continue
        conf = sum(c for c, _ in inside) / len(inside)
        acc = sum(1 for _, r in inside if r) / len(inside)
        ece += len(inside) / n * abs(acc - conf)
        table.append({"low": round(lo, 2), "high": round(hi, 2), "events": len(inside),
                      "mean_confidence": round(conf, 4), "fraction_right": round(acc, 4)})
    brier = sum((c - (1.0 if r else 0.0)) ** 2 for c, r in pairs) / n if n else None
    return {"judged": n, "right": sum(1 for _, r in pairs if r), "bins": table,
            "ece": round(ece, 4) if n else None, "brier": round(brier, 4) if brier is not None else None}
