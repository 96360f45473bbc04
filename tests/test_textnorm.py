"""Tests of dragoman.textnorm: offsets survive normalisation, boilerplate is blanked."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.errors import DataFileError
from dragoman.schema import Document
from dragoman.textnorm import (
    BoilerplatePatterns,
    load_boilerplate_file,
    normalise,
    prepare,
    strip_boilerplate,
)


def test_length_preserving_replacements_keep_no_map():
    text = "L\u2019ONU a dit\u00a0: \u00ab\u202fnon\u202f\u00bb \u2018ok\u02bc\x07fin\x0b\ttab"
    norm, norm_map = normalise(text)
    assert norm_map is None
    assert len(norm) == len(text)
    assert norm == "L'ONU a dit : \u00ab non \u00bb 'ok' fin \ttab"


def test_removed_characters_need_a_map():
    text = "\ufeffinter\u00adnational\u200b talks\r\nnext"
    norm, norm_map = normalise(text)
    assert norm == "international talks\nnext"
    assert norm_map is not None
    assert len(norm_map) == len(norm) + 1
    assert norm_map[-1] == len(text)
    # every kept character points at itself in the original
    for i, c in enumerate(norm):
        if c != "\n":
            assert text[norm_map[i]] == c
    # the LF of a CRLF points at the CR, so spans never separate the pair
    assert text[norm_map[norm.index("\n")]] == "\r"


def test_lone_cr_is_a_line_break():
    norm, norm_map = normalise("one\rtwo\r\nthree")
    assert norm == "one\ntwo\nthree"
    assert list(norm_map) == [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]


def test_offset_map_behaves_like_a_list():
    _, norm_map = normalise("a\u00adb\u200bc")
    assert norm_map == [0, 2, 4, 5]
    assert norm_map[1:3] == [2, 4]
    with pytest.raises(IndexError):
        norm_map[10]


_ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from(list("\r\n\t \u00ad\u200b\u200c\u200d\u2060\ufeff\u2019\u00a0\u202f\x00\x85\u2028ab")),
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=40), st.data())
def test_every_span_normalises_back(text, data):
    norm, norm_map = normalise(text)
    m = list(norm_map) if norm_map is not None else list(range(len(text) + 1))
    assert len(m) == len(norm) + 1
    assert m[-1] == len(text)
    assert m == sorted(m)
    a = data.draw(st.integers(0, len(norm)))
    b = data.draw(st.integers(a, len(norm)))
    assert normalise(text[m[a]:m[b]])[0] == norm[a:b]


FR_PAGE = """Le Mali et le Niger signent un accord

Les ministres des Affaires étrangères ont signé l'accord mardi à Niamey.
Partager sur Facebook
Partager sur Twitter
Lire aussi : Au Sahel, la junte durcit le ton
Le texte prévoit une coopération militaire renforcée.
Nous utilisons des cookies pour améliorer votre expérience. En poursuivant votre navigation, vous acceptez.
Inscrivez-vous à notre newsletter quotidienne
© 2024 Le Quotidien. Tous droits réservés.
Laisser un commentaire
Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *
Jean : très bon article, merci.
"""

EN_PAGE = """Ministers sign border accord

The foreign ministers signed the accord on Tuesday in Niamey.
Share this
Tweet
Read more: Sahel junta hardens its stance
The text provides for closer military cooperation.
We use cookies to improve your experience. By continuing to browse you agree to our cookie policy.
Sign up for our daily newsletter
Copyright 2024 The Daily. All rights reserved.
Leave a Reply
Your email address will not be published. Required fields are marked *
John: great piece, thanks.
Post Comment
"""


@pytest.mark.parametrize("page, kept, gone", [
    (FR_PAGE,
     ["Le Mali et le Niger signent un accord", "ont signé l'accord mardi à Niamey.",
      "Le texte prévoit une coopération militaire renforcée."],
     ["Partager", "Lire aussi", "cookies", "newsletter", "©", "commentaire", "adresse e-mail", "Jean"]),
    (EN_PAGE,
     ["Ministers sign border accord", "signed the accord on Tuesday in Niamey.",
      "The text provides for closer military cooperation."],
     ["Share this", "Tweet", "Read more", "cookies", "newsletter", "Copyright", "Leave a Reply",
      "email address", "John", "Post Comment"]),
])
def test_footer_and_furniture_blanked(page, kept, gone):
    out = strip_boilerplate(page)
    assert len(out) == len(page)
    assert [i for i, c in enumerate(out) if c == "\n"] == [i for i, c in enumerate(page) if c == "\n"]
    for k in kept:
        assert k in out
    for g in gone:
        assert g not in out


def test_article_sentences_mentioning_furniture_words_survive():
    text = ("Le gouvernement va partager les données avec la Commission.\n"
            "The bill would share intelligence with allies, officials said.\n"
            "Recommended measures include sanctions against the regime.\n"
            "Comments by the minister angered Moscow.\n"
            "Réactions\n"
            "Répondre à la menace russe reste la priorité de l'Otan.\n")
    assert strip_boilerplate(text) == text


def test_prepare_fills_norm_fields():
    doc = prepare(Document(id="d", text="L\u2019accord\u00ad est sign\u00e9.\r\nPartager sur Facebook\r\n"))
    assert doc.norm_text.startswith("L'accord est signé.\n")
    assert "Partager" not in doc.norm_text
    assert doc.norm_map is not None and doc.orig(len(doc.norm_text)) == len(doc.text)


def test_boilerplate_file_validation(tmp_path):
    bad = tmp_path / "boilerplate.yaml"
    bad.write_text("line:\n  - 'ok'\n  - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"boilerplate.yaml:3.*bad regular expression"):
        load_boilerplate_file(bad)
    bad.write_text("lines:\n  - 'ok'\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown key 'lines'"):
        load_boilerplate_file(bad)
    bad.write_text("tail:\n  - '.*'\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="matches an empty line"):
        load_boilerplate_file(bad)
    good = tmp_path / "good.yaml"
    good.write_text("line:\n  - 'menu'\ntail:\n  - 'post comment'\n", encoding="utf-8")
    line, tail = load_boilerplate_file(good)
    pats = BoilerplatePatterns(line, tail)
    assert strip_boilerplate("a\nMENU\nb\npost comment\nc", pats) == "a\n    \nb\n            \n "


def test_strip_boilerplate_is_fast_on_long_text():
    import time
    para = "Le ministre a parlé devant l'Assemblée nationale pendant une heure.\n" * 3 + "Partager\n"
    text = para * 20_000  # ~4.4 MB
    t0 = time.perf_counter()
    out = strip_boilerplate(text)
    assert time.perf_counter() - t0 < 20
    assert len(out) == len(text) and not re.search("Partager", out)
