"""Tests of dragoman.ingest: formats, encodings, errors as documents, ids."""

from __future__ import annotations

import gzip
import io
import json
from datetime import date

import pytest

from dragoman.errors import InputError
from dragoman.ingest import (
    decode_bytes,
    document_from_html,
    document_from_text,
    iter_documents_from_bytes,
    read_inputs,
    sniff_format,
)

ARTICLE_FR = """<!DOCTYPE html>
<html lang="fr-FR"><head><meta charset="utf-8">
<title>Le Mali et le Niger signent un accord | Le Quotidien</title>
<link rel="canonical" href="https://example.org/monde/mali-niger-accord">
<meta property="og:site_name" content="Le Quotidien">
<meta property="article:published_time" content="2024-03-12T10:00:00+00:00">
<script>var tracker = "Ne pas afficher ce script";</script></head>
<body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Rubrique Monde</a></li>
<li><a href="/politique">Rubrique Politique</a></li></ul></nav>
<article>
<h1>Le Mali et le Niger signent un accord</h1>
<p>Les ministres des Affaires étrangères du Mali et du Niger ont signé mardi à Niamey un accord de
défense mutuelle, a annoncé le gouvernement nigérien dans un communiqué.</p>
<p>Le texte prévoit une coopération militaire renforcée entre les deux pays, a précisé le ministre
malien Abdoulaye Diop lors d'une conférence de presse.</p>
<p>La France a dit « prendre acte » de cette décision et appelé au dialogue régional.</p>
</article>
<aside><h2>Sur le même sujet</h2><ul>
<li><a href="/a">Au Sahel, la junte durcit le ton face aux rebelles du nord</a></li>
<li><a href="/b">Le Burkina Faso quitte la Cédéao après des mois de tension</a></li></ul></aside>
<div id="comments"><h3>Laisser un commentaire</h3><form>
<p>Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *</p>
<textarea name="comment"></textarea><input type="submit" value="Laisser un commentaire"></form></div>
<footer><p>© 2024 Le Quotidien. Tous droits réservés.</p></footer>
</body></html>
"""

ARTICLE_EN = """<html lang="en"><head><title>Ministers sign border accord</title></head><body>
<header><a href="/">Home</a> <a href="/world">World</a> <a href="/politics">Politics</a></header>
<main><article><h1>Ministers sign border accord</h1>
<p>The foreign ministers of Mali and Niger signed a mutual defence pact in Niamey on Tuesday,
the Nigerien government said in a statement.</p>
<p>The text provides for closer military cooperation between the two countries, Malian minister
Abdoulaye Diop told reporters.</p>
</article></main>
<section class="comments"><h3>Leave a Reply</h3>
<p>Your email address will not be published. Required fields are marked *</p>
<form><textarea></textarea><button>Post Comment</button></form></section>
</body></html>
"""


def only(docs):
    docs = list(docs)
    assert len(docs) == 1, docs
    return docs[0]


# --------------------------------------------------------------------------- text


def test_text_title_from_first_line_stays_in_text():
    text = "Le Niger rompt avec la France\n\nNiamey a dénoncé mardi les accords de défense."
    doc = document_from_text(text, doc_id="t", lang="fr", pub_date=date(2024, 3, 1))
    assert doc.title == "Le Niger rompt avec la France"
    assert doc.text == text and doc.text.startswith(doc.title)
    assert doc.norm_text is not None and len(doc.norm_text) == len(text)
    assert (doc.lang, doc.pub_date) == ("fr", date(2024, 3, 1))


def test_text_without_blank_line_has_no_title():
    assert document_from_text("Le ministre a parlé.\nIl est parti.", doc_id="t").title is None
    assert document_from_text("Niamey a dénoncé les accords.\n\nLa suite.", doc_id="t").title is None


def test_empty_text_is_an_error():
    with pytest.raises(InputError, match=r"E002.*empty"):
        document_from_text(" \n\t ", doc_id="t")


def test_control_characters_become_spaces():
    doc = only(iter_documents_from_bytes("The minister\x07 spoke\x0c today.\x00".encode("utf-16"), "a.txt"))
    assert not doc.errors
    assert doc.norm_text == "The minister  spoke  today. "
    assert doc.text.startswith("The minister\x07")


# --------------------------------------------------------------------------- HTML


def test_html_article_only():
    doc = document_from_html(ARTICLE_FR.encode("utf-8"), doc_id="p", source="p.html")
    assert doc.title == "Le Mali et le Niger signent un accord"
    assert doc.text.startswith(doc.title + "\n\nLes ministres des Affaires étrangères")
    assert "\n\nLe texte prévoit" in doc.text and "\n\nLa France a dit" in doc.text
    for noise in ("Accueil", "Rubrique", "Sur le même sujet", "junte", "commentaire", "adresse e-mail",
                  "©", "tracker", "script"):
        assert noise not in doc.text, noise
    assert doc.pub_date == date(2024, 3, 12)
    assert doc.url == "https://example.org/monde/mali-niger-accord"
    assert doc.site == "Le Quotidien"
    assert doc.meta["html_lang"] == "fr-FR"
    assert doc.input_format == "html"


def test_html_english_without_comment_form():
    doc = document_from_html(ARTICLE_EN, doc_id="e")
    assert doc.text.startswith("Ministers sign border accord\n\nThe foreign ministers")
    for noise in ("Home", "Politics", "Leave a Reply", "email address", "Post Comment"):
        assert noise not in doc.text


@pytest.mark.parametrize("html", [
    "<html><head><script>var a = 1;</script><style>p {color: red}</style></head></html>",
    "<html><head><title>Rien</title></head><body></body></html>",
    "<html><body><script>document.write('x')</script></body></html>",
])
def test_html_without_text_is_a_clear_error(html):
    doc = only(iter_documents_from_bytes(html.encode(), "vide.html"))
    assert doc.errors and doc.errors[0].code == "E009"
    assert "vide.html" in doc.errors[0].message and "no article text" in doc.errors[0].message


def test_binary_file_named_html(tmp_path):
    f = tmp_path / "photo.html"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    doc = only(read_inputs([f]))
    assert doc.errors[0].code == "E003"
    assert "looks like binary data" in doc.errors[0].message and "photo.html" in doc.errors[0].message
    g = tmp_path / "random.html"
    g.write_bytes(bytes(range(256)) * 20)
    assert "looks like binary data" in only(read_inputs([g])).errors[0].message


def test_html_cp1252_with_meta_charset():
    html = ('<html><head><meta charset="windows-1252"></head><body><article><p>'
            + "Le président élu a reçu à l'Élysée les délégués étrangers venus de Côte d'Ivoire. " * 3
            + "</p></article></body></html>")
    doc = document_from_html(html.encode("cp1252"), doc_id="c")
    assert "Le président élu a reçu à l'Élysée" in doc.text


# --------------------------------------------------------------------------- JSONL


def test_jsonl_records_and_errors(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": "Le ministre a parlé.", "title": "Titre", "pub_date": "2024-03-12",
                    "lang": "fr", "url": "https://e.org/a", "section": "monde", "tags": ["x"]}),
        '{"id": "a2", "text": "broken',
        json.dumps({"id": "a3", "title": "no text"}),
        json.dumps({"id": "a4", "text": ["not", "a", "string"]}),
        "",
        json.dumps({"id": "a5", "text": "The minister spoke.", "pub_date": "2024-03-12T23:30:00Z"}),
        json.dumps({"id": "a6", "text": "Bad date.", "pub_date": "12/03/2024"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "No id here."}),
    ]
    f = tmp_path / "news.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = list(read_inputs([f]))
    assert [d.id for d in docs] == ["a1", f"{f}:2", "a3", "a4", "a5", "a6", f"{f}:8", f"{f}:9"]
    a1 = docs[0]
    assert not a1.errors
    assert (a1.title, a1.pub_date, a1.lang, a1.url) == ("Titre", date(2024, 3, 12), "fr", "https://e.org/a")
    assert a1.meta == {"section": "monde", "tags": ["x"]}
    assert a1.source == f"{f}:1" and a1.input_format == "jsonl"
    codes = {d.source: d.errors[0].code for d in docs if d.errors}
    assert codes == {f"{f}:2": "E005", f"{f}:3": "E006", f"{f}:4": "E007", f"{f}:7": "E008",
                     f"{f}:8": "E005"}
    msg = next(d for d in docs if d.source == f"{f}:3").errors[0].message
    assert str(f) in msg and ":3" in msg and "missing 'text'" in msg
    assert docs[4].pub_date == date(2024, 3, 12) and not docs[4].errors
    assert docs[-1].id == f"{f}:9" and docs[-1].text == "No id here."


def test_jsonl_default_lang_and_date():
    data = (json.dumps({"id": "x", "text": "Hello."}) + "\n"
            + json.dumps({"id": "y", "text": "Salut.", "lang": "fr", "pub_date": "2023-01-02"})).encode()
    docs = list(iter_documents_from_bytes(data, "up.jsonl", lang="en", pub_date=date(2024, 1, 1)))
    assert [(d.lang, d.pub_date) for d in docs] == [("en", date(2024, 1, 1)), ("fr", date(2023, 1, 2))]


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "cp1252", "utf-8"])
def test_encodings(tmp_path, encoding):
    text = "Le président français a reçu à l'Élysée son homologue ivoirien, « très satisfait »."
    f = tmp_path / f"article-{encoding}.txt"
    f.write_bytes(text.encode(encoding))
    doc = only(read_inputs([f]))
    assert not doc.errors
    assert doc.text == text
    assert doc.id == f.name and doc.source == str(f)


def test_decode_prefers_cp1252_over_other_latin_pages():
    raw = "Le président a été élu à la tête du pays, déclaré « très fièrement ».".encode("cp1252")
    assert decode_bytes(raw, "x") == raw.decode("cp1252")


def test_empty_and_whitespace_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \r\n\t\n")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf")
    docs = list(read_inputs([tmp_path]))
    assert [d.id for d in docs] == ["blank.txt", "bom.txt", "empty.txt"]
    for d in docs:
        assert d.errors[0].code == "E002" and "empty file" in d.errors[0].message
        assert d.source == str(tmp_path / d.id)


# --------------------------------------------------------------------------- directories, stdin, sniffing


def test_directory_walk_sorted_recursive_hidden_skipped(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Le ministre a parlé.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("The minister spoke.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("secret", encoding="utf-8")
    (tmp_path / ".git" / "c.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "page.htm").write_text(ARTICLE_EN, encoding="utf-8")
    docs = list(read_inputs([tmp_path]))
    assert [d.id for d in docs] == ["a.txt", "b/z.txt", "page.htm"]
    assert [d.input_format for d in docs] == ["text", "text", "html"]


def test_missing_path_is_an_error_document(tmp_path):
    doc = only(read_inputs([tmp_path / "nope.txt"]))
    assert doc.errors[0].code == "E013" and "nope.txt" in doc.errors[0].message


def test_unknown_format_raises_at_call():
    with pytest.raises(InputError, match="E012"):
        read_inputs(["x"], input_format="pdf")


def test_stdin(monkeypatch):
    data = (json.dumps({"id": "s1", "text": "Le ministre a parlé."}) + "\n").encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    doc = only(read_inputs(["-"]))
    assert doc.id == "s1" and doc.source == "stdin:1"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO("Bonjour à tous.".encode())))
    doc = only(read_inputs(["-"]))
    assert (doc.id, doc.source, doc.text) == ("stdin", "stdin", "Bonjour à tous.")


@pytest.mark.parametrize("head, fmt", [
    (b"<!DOCTYPE html><html>", "html"),
    (b"\xef\xbb\xbf  <html lang='fr'>", "html"),
    (b'<?xml version="1.0"?>\n<rss version="2.0">', "feed"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
    (b'{"id": 1, "text": "a"}\n{"id": 2}', "jsonl"),
    (b"WARC/1.0\r\n", "warc"),
    (b"{not json at all", "text"),
    (b"Le ministre a parl\xc3\xa9.", "text"),
])
def test_sniff_format(head, fmt):
    assert sniff_format(head) == fmt


def test_gzipped_jsonl_upload():
    data = gzip.compress((json.dumps({"id": "g", "text": "The minister spoke."}) + "\n").encode())
    doc = only(iter_documents_from_bytes(data, "upload.jsonl.gz"))
    assert doc.id == "g" and not doc.errors


# --------------------------------------------------------------------------- feeds and WARC

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Le Quotidien - Monde</title><language>fr</language>
<item><title>Le Niger rompt avec la France</title><link>https://e.org/niger</link>
<guid>https://e.org/niger</guid><pubDate>Tue, 12 Mar 2024 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Niamey a dénoncé mardi les accords de défense.&lt;/p&gt;&lt;p&gt;Paris regrette.&lt;/p&gt;</description>
</item>
<item><title>Le Mali accuse l'Algérie</title><link>https://e.org/mali</link>
<description>Bamako a convoqué l'ambassadeur algérien.</description></item>
</channel></rss>
"""


def test_rss_items(tmp_path):
    f = tmp_path / "monde.rss"
    f.write_text(RSS, encoding="utf-8")
    docs = list(read_inputs([f]))
    assert [d.id for d in docs] == ["https://e.org/niger", "https://e.org/mali"]
    d = docs[0]
    assert d.text == ("Le Niger rompt avec la France\n\nNiamey a dénoncé mardi les accords de défense."
                      "\n\nParis regrette.")
    assert (d.title, d.url, d.pub_date, d.input_format) == (
        "Le Niger rompt avec la France", "https://e.org/niger", date(2024, 3, 12), "feed")
    assert d.source == f"{f}#1" and d.meta["html_lang"] == "fr"


def test_atom_feed_bytes():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>World</title>
<entry><id>tag:e.org,2024:1</id><title>Envoy visits Kyiv</title><link href="https://e.org/kyiv"/>
<updated>2024-05-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;The envoy met President Zelensky on Thursday.&lt;/p&gt;</content></entry></feed>"""
    d = only(iter_documents_from_bytes(atom, "upload.xml"))
    assert d.text == "Envoy visits Kyiv\n\nThe envoy met President Zelensky on Thursday."
    assert (d.id, d.pub_date) == ("tag:e.org,2024:1", date(2024, 5, 2))


def test_broken_feed_is_an_error():
    d = only(iter_documents_from_bytes(b"<?xml version='1.0'?><rss><channel>", "x.rss"))
    assert d.errors and d.errors[0].code == "E010"


def _warc(path, gz):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)

        def response(uri, ctype, body):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                http_headers=headers))

        w.write_record(w.create_warcinfo_record("crawl.warc", {"software": "test"}))
        response("https://e.org/article", "text/html; charset=utf-8", ARTICLE_FR.encode("utf-8"))
        response("https://e.org/logo.png", "image/png", b"\x89PNG....")
        response("https://e.org/data.json", "application/json", b"{}")
        response("https://e.org/en", "text/html", ARTICLE_EN.encode("utf-8"))


@pytest.mark.parametrize("name, gz", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_warc_html_responses_only(tmp_path, name, gz):
    f = tmp_path / name
    _warc(f, gz)
    docs = list(read_inputs([f]))
    assert [d.url for d in docs] == ["https://example.org/monde/mali-niger-accord", "https://e.org/en"]
    assert [d.id for d in docs] == [f"{f}#1", f"{f}#2"]
    assert all(d.input_format == "warc" and not d.errors for d in docs)
    assert docs[0].title == "Le Mali et le Niger signent un accord"
    # the same bytes as an upload
    up = list(iter_documents_from_bytes(f.read_bytes(), name))
    assert [d.title for d in up] == [d.title for d in docs]
