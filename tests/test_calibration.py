"""Calibrated confidence (dragoman.events.calibration): the PAV fit, the table loader's
errors, the fit itself, and the mapping applied to hand-written French and English news."""

from __future__ import annotations

import math
from dataclasses import asdict

import pytest

from dragoman.errors import DataFileError
from dragoman.events import calibration as calmod
from dragoman.events.calibration import (
    Calibration,
    Sample,
    event_features,
    event_score,
    fit_calibration,
    format_calibration,
    load_calibration,
    parse_calibration,
    pav,
    reliability,
)
from dragoman.schema import Event, Evidence, Span

# --------------------------------------------------------------------------- PAV


def test_pav_pools_adjacent_violators():
    blocks = pav([1, 2, 3, 4], [1, 0, 1, 1])
    # 1 then 0 violate the order: pooled into one block of mean 0.5
    assert [(lo, hi, round(m, 3), w) for lo, hi, m, w in blocks] == [(1, 2, 0.5, 2.0), (3, 4, 1.0, 2.0)]


def test_pav_result_is_monotone_and_keeps_the_mean():
    xs = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.05]
    ys = [1, 0, 1, 0, 0, 1, 1, 0, 1, 0]
    blocks = pav(xs, ys)
    means = [m for _, _, m, _ in blocks]
    assert means == sorted(means)
    assert sum(w for *_, w in blocks) == len(xs)
    assert math.isclose(sum(m * w for _, _, m, w in blocks), sum(ys))
    # blocks cover the x values in order, without overlap
    assert all(blocks[i][1] < blocks[i + 1][0] for i in range(len(blocks) - 1))


def test_pav_weights_and_ties():
    # equal x values share a block even when their labels differ
    blocks = pav([1, 1, 2], [0, 1, 1])
    assert blocks[0][:2] == (1, 1) and blocks[0][2] == 0.5
    # a heavy point dominates the pooled mean
    blocks = pav([1, 2], [1, 0], [3, 1])
    assert len(blocks) == 1 and math.isclose(blocks[0][2], 0.75)
    with pytest.raises(ValueError):
        pav([1, 2], [1])


def test_pav_pools_equal_x_before_comparing():
    # the second x's first label is 0: still 1/3 < 2/3, so the two x values stay apart
    blocks = pav([1, 1, 1, 2, 2, 2], [1, 0, 0, 0, 1, 1])
    assert [(lo, round(m, 3)) for lo, _, m, _ in blocks] == [(1, 0.333), (2, 0.667)]


def test_pav_already_sorted_data_is_unchanged():
    assert [m for _, _, m, _ in pav([1, 2, 3], [0.1, 0.5, 0.9])] == [0.1, 0.5, 0.9]


# --------------------------------------------------------------------------- the table and its loader

GOOD = "# a comment\nintercept\t-\t-\t0.5\nslope\t-\t-\t1\nweight\ttype\tASSAULT\t-1\n" \
       "step\t-\t0\t0.2\nstep\t-\tinf\t0.8\n"


def test_good_table_loads_and_maps():
    cal = parse_calibration(GOOD, "t.tsv")
    assert cal.intercept == 0.5 and cal.slope == 1.0 and cal.weights == {("type", "ASSAULT"): -1.0}
    # logit(0.5) = 0: z = 0.5 > 0 -> 0.8; an ASSAULT gets z = -0.5 -> 0.2
    assert cal.probability(0.5, {"type": "PROTEST"}) == 0.8
    assert cal.probability(0.5, {"type": "ASSAULT"}) == 0.2
    assert parse_calibration(format_calibration(cal, ["x"]), "t.tsv").steps == cal.steps


@pytest.mark.parametrize("text,message", [
    ("slope\t-\t1\n", "expected 4 tab-separated columns"),
    ("slope\t-\t-\tone\nstep\t-\tinf\t0.5\n", "'one' is not a number"),
    ("slope\t-\t-\t1\nweight\tcolour\tred\t1\nstep\t-\tinf\t0.5\n", "unknown feature 'colour'"),
    ("slope\t-\t-\t1\nweight\ttype\tDANCE\t1\nstep\t-\tinf\t0.5\n", "unknown value 'DANCE' for feature type"),
    ("slope\t-\t-\t1\nweight\tlang\tfr\t1\nweight\tlang\tfr\t2\nstep\t-\tinf\t0.5\n", "given twice"),
    ("slope\t-\t-\t1\nstep\t-\t0\t0.6\nstep\t-\tinf\t0.5\n", "decreases"),
    ("slope\t-\t-\t1\nstep\t-\t1\t0.4\nstep\t-\t0\t0.5\n", "does not increase"),
    ("slope\t-\t-\t1\nstep\t-\tinf\t1.5\n", "outside 0..1"),
    ("slope\t-\t-\t1\nstep\t-\t2\t0.5\n", "last step's bound must be 'inf'"),
    ("intercept\t-\t-\t0\nstep\t-\tinf\t0.5\n", "no 'slope' line"),
    ("slope\t-\t-\t1\n", "no 'step' line"),
    ("slope\t-\t-\tnan\nstep\t-\tinf\t0.5\n", "not a finite number"),
    ("bias\t-\t-\t1\n", "unknown line kind 'bias'"),
])
def test_bad_tables_name_file_line_and_problem(text, message):
    with pytest.raises(DataFileError) as err:
        parse_calibration(text, "cal.tsv")
    assert message in str(err.value)
    assert "cal.tsv" in str(err.value) and err.value.code == "E100"


def test_bad_line_number_is_reported():
    with pytest.raises(DataFileError, match=r"cal\.tsv:3: unknown feature"):
        parse_calibration("slope\t-\t-\t1\n\nweight\tcolour\tx\t1\n", "cal.tsv")


def test_shipped_table_loads_and_is_monotone():
    cal = load_calibration()
    probs = [p for _, p in cal.steps]
    assert probs == sorted(probs) and all(0 <= p <= 1 for p in probs)


# --------------------------------------------------------------------------- features and fitting


def _event(etype="PROTEST", scores=(0.6,), lang="fr", rule="subject", actors=0, recipients=0, status="occurred"):
    from dragoman.schema import Actor

    ev = [Evidence(sentence_index=i, sentence="s", start=0, end=1, trigger=Span("t", 0, 1), rule=rule, score=s)
          for i, s in enumerate(scores)]
    return Event(doc_id="d", event_id="e", type=etype, lang=lang, status=status, evidence=ev,
                 actor=[Actor("a", country="FRA")] * actors, recipient=[Actor("b", country="DEU")] * recipients)


def test_event_score_is_the_best_statement_plus_a_bonus_per_repeat():
    assert event_score(_event(scores=(0.6,))) == 0.6
    assert event_score(_event(scores=(0.5, 0.7))) == 0.75
    assert event_score(_event(scores=(0.98, 0.98, 0.98))) == 0.99
    # events from before Evidence.score: their stored confidence
    legacy = _event(scores=(None,))
    legacy.confidence = 0.42
    assert event_score(legacy) == 0.42


def test_event_features():
    f = event_features(_event(rule="subject+coordination-repair+threat", actors=1, recipients=1, lang="en"))
    assert f == {"type": "PROTEST", "lang": "en", "status": "occurred", "args": "both", "rule": "indirect",
                 "reported": "no", "mentions": "1", "derived": "threat"}
    assert event_features(_event(rule="trigger-only"))["rule"] == "trigger-only"
    assert event_features(_event(rule="speech-obligation", actors=1))["derived"] == "obligation"
    assert event_features(_event(scores=(0.5, 0.5), recipients=1))["mentions"] == "2+"


def test_fit_learns_a_predictive_feature_and_stays_monotone():
    # same raw score; ASSAULT events are right 1 time in 4, PROTEST events 3 times in 4
    samples = []
    for i in range(80):
        samples.append(Sample(0.6, {"type": "ASSAULT", "lang": "fr"}, i % 4 == 0))
        samples.append(Sample(0.6, {"type": "PROTEST", "lang": "fr"}, i % 4 != 0))
    cal = fit_calibration(samples, l2=1.0, min_block=10)
    p_assault = cal.probability(0.6, {"type": "ASSAULT", "lang": "fr"})
    p_protest = cal.probability(0.6, {"type": "PROTEST", "lang": "fr"})
    assert p_assault == pytest.approx(0.25, abs=0.01) and p_protest == pytest.approx(0.75, abs=0.01)
    probs = [p for _, p in cal.steps]
    assert probs == sorted(probs)
    # in-sample the fit is calibrated: ECE about 0
    pairs = [(cal.probability(s.raw, s.features), s.right) for s in samples]
    assert reliability(pairs)["ece"] < 0.01


def test_fit_weighs_only_the_chosen_features():
    samples = [Sample(0.6, {"type": "ASSAULT", "args": "none"}, i % 3 == 0) for i in range(30)] + \
        [Sample(0.6, {"type": "ASSAULT", "args": "both"}, i % 3 != 0) for i in range(30)]
    assert all(name != "args" for name, _ in fit_calibration(samples, l2=1.0).weights)
    cal = fit_calibration(samples, l2=1.0, min_block=5, features=("type", "args"))
    assert cal.weights[("args", "both")] > 0 > cal.weights[("args", "none")]
    with pytest.raises(ValueError, match="unknown feature"):
        fit_calibration(samples, features=("colour",))


def test_fit_refuses_no_data():
    with pytest.raises(ValueError):
        fit_calibration([])


def test_reliability_bins_ece_and_brier():
    pairs = [(0.9, True)] * 9 + [(0.9, False)] + [(0.3, True)] * 2 + [(0.3, False)] * 8
    rel = reliability(pairs)
    assert rel["judged"] == 20 and rel["right"] == 11
    assert [(b["low"], b["events"], b["fraction_right"]) for b in rel["bins"]] == [(0.3, 10, 0.2), (0.9, 10, 0.9)]
    # gaps: |0.2 - 0.3| and |0.9 - 0.9|, half the events each
    assert rel["ece"] == pytest.approx(0.05)
    assert rel["brier"] == pytest.approx((9 * 0.01 + 0.81 + 2 * 0.49 + 8 * 0.09) / 20)
    assert reliability([])["ece"] is None


# --------------------------------------------------------------------------- applied in the events stage

SENTENCES = [
    ("fr", "La police a arrêté trois manifestants jeudi à Lyon."),
    ("fr", "Le président français a rencontré le chancelier allemand à Berlin pour discuter de l'Ukraine."),
    ("fr", "Des milliers de personnes ont manifesté contre la réforme des retraites."),
    ("en", "Russian troops shelled the Ukrainian town of Kupiansk on Tuesday."),
    ("en", "Japan's foreign minister urged North Korea to stop its missile tests."),
    ("en", "Thousands of teachers went on strike in Chile."),
]


@pytest.fixture(scope="module")
def pipe():
    from dragoman.pipeline import Pipeline

    return Pipeline()


def _code(pipe, lang, text):
    doc = pipe.code_text(text, lang=lang)
    assert not doc.errors, doc.errors
    assert doc.events, f"no event in {text!r}"
    return doc.events


@pytest.mark.parametrize("lang,text", SENTENCES)
def test_confidence_is_the_calibrated_probability(pipe, lang, text):
    cal = load_calibration()
    for ev in _code(pipe, lang, text):
        assert all(e.score is not None and 0.05 <= e.score <= 0.99 for e in ev.evidence)
        assert ev.confidence == cal.probability(event_score(ev), event_features(ev))
        assert ev.confidence in {p for _, p in cal.steps}


def test_the_table_changes_only_the_confidence(pipe, monkeypatch):
    """Coding with another table gives the same events (types, participants, evidence); only
    ``confidence`` follows the table: here ASSAULT and COERCE are made unlikely."""
    before = {(lang, text): _code(pipe, lang, text) for lang, text in SENTENCES}
    other = Calibration(slope=0.0, weights={("type", "ASSAULT"): -5.0, ("type", "COERCE"): -5.0},
                        steps=[(-1.0, 0.1), (math.inf, 0.9)])
    monkeypatch.setattr(calmod, "load_calibration", lambda path=None: other)
    seen = set()
    for (lang, text), old in before.items():
        new = _code(pipe, lang, text)

        def strip(events):
            return [{k: v for k, v in asdict(e).items() if k != "confidence"} for e in events]

        assert strip(new) == strip(old)
        for ev in new:
            seen.add(ev.type)
            assert ev.confidence == (0.1 if ev.type in ("ASSAULT", "COERCE") else 0.9)
    assert {"COERCE", "ASSAULT", "PROTEST"} <= seen
