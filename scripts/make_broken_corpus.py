#!/usr/bin/env python
"""Write a deterministic corpus of deliberately broken inputs mixed with good articles.

    python scripts/make_broken_corpus.py OUT_DIR [--seed N]

OUT_DIR receives 200 broken files of every class Dragoman must survive (empty,
binary, UTF-16 and cp1252/latin-1 without declaration, invalid UTF-8, HTML
without body / only scripts / deeply nested / truncated, JSONL with malformed
lines, missing or non-string ``text``, unknown fields, truncated .jsonl.gz,
WARC without HTML records, garbage WARC and feeds, unsupported languages,
control characters, texts without letters) plus about 20 good French and
English articles written from the templates below. ``OUT_DIR/.manifest.json``
(hidden, so ``dragoman ingest`` skips it) maps every file to its class and the
outcome the store must show:

- ``coded``: a ``documents`` row with status coded and at least one mention;
- ``document``: a ``documents`` row (coded, possibly without events);
- ``failed``: an ``errors`` row whose ``source`` names the file (``FILE:LINE`` for JSONL);
- ``skipped``: a ``documents`` row with status skipped (e.g. unsupported language);
- ``rejected``: ``failed`` or ``skipped`` (the input is refused, one way or the other);
- ``partial``: the records before the damage are read, then an ``errors`` row names the file.

JSONL files list their lines under ``lines`` with one outcome each. The same
seed always gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
from pathlib import Path

# ---------------------------------------------------------------- templates of good articles
# Each sentence is one the pipeline codes (see tests/test_store_e2e.py); articles combine them.
EN_EVENTS = [
    "Chinese Foreign Minister Wang Yi met North Korean leader Kim Jong Un in Pyongyang on {wd}.",
    "South Korean police arrested dozens of protesters in Seoul on {wd}.",
    "The United States imposed new sanctions on Russian banks on {wd}.",
    "Germany accused Russia of a cyber attack on its parliament.",
    "Thousands of workers protested in Paris against the pension reform on {wd}.",
    "Turkey threatened to expel the Swedish ambassador.",
    "Brazil sent humanitarian aid to Haiti after the earthquake.",
    "North Korea fired two ballistic missiles into the Sea of Japan on {wd}.",
    "India rejected Pakistan's proposal for new border talks.",
    "Egypt hosted talks between Hamas and Israeli negotiators in Cairo.",
]
EN_FILLER = [
    "Officials gave no further details.",
    "The announcement came after weeks of tension in the region.",
    "Analysts said the move was widely expected.",
    "The meeting lasted about two hours, according to state media.",
]
FR_EVENTS = [
    "Le ministre chinois des Affaires étrangères Wang Yi a rencontré {wd} à Pyongyang le dirigeant "
    "nord-coréen Kim Jong Un.",
    "La police sud-coréenne a arrêté {wd} des dizaines de manifestants à Séoul.",
    "Les États-Unis ont imposé {wd} de nouvelles sanctions contre des banques russes.",
    "L'Allemagne a accusé la Russie d'une cyberattaque contre son parlement.",
    "Des milliers de salariés ont manifesté {wd} à Paris contre la réforme des retraites.",
    "La Turquie a menacé d'expulser l'ambassadeur de Suède.",
    "Le Brésil a envoyé de l'aide humanitaire en Haïti après le séisme.",
    "La Corée du Nord a tiré {wd} deux missiles balistiques en mer du Japon.",
    "L'Inde a rejeté la proposition du Pakistan de nouvelles négociations frontalières.",
]
FR_FILLER = [
    "Aucun détail supplémentaire n'a été donné.",
    "L'annonce intervient après des semaines de tensions dans la région.",
    "Les analystes jugent cette décision attendue.",
    "La rencontre a duré environ deux heures, selon les médias officiels.",
]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
FR_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
OTHER_LANGS = {
    "de": ["Die Regierung in Berlin hat am Montag neue Sanktionen gegen russische Banken beschlossen.",
           "Der Außenminister traf seinen Amtskollegen in Warschau zu Gesprächen über die Sicherheit.",
           "Tausende Menschen demonstrierten am Wochenende in München gegen die geplante Reform."],
    "es": ["El gobierno de Madrid anunció el lunes nuevas sanciones contra los bancos rusos.",
           "El ministro de Asuntos Exteriores se reunió con su homólogo en Lisboa para hablar de seguridad.",
           "Miles de personas se manifestaron el fin de semana en Barcelona contra la reforma."],
    "it": ["Il governo di Roma ha annunciato lunedì nuove sanzioni contro le banche russe.",
           "Il ministro degli Esteri ha incontrato il suo omologo a Vienna per parlare di sicurezza.",
           "Migliaia di persone hanno manifestato nel fine settimana a Milano contro la riforma."],
    "pt": ["O governo de Lisboa anunciou na segunda-feira novas sanções contra bancos russos.",
           "O ministro dos Negócios Estrangeiros reuniu-se com o seu homólogo em Madrid.",
           "Milhares de pessoas manifestaram-se no fim de semana no Porto contra a reforma."],
}


def article(rng: random.Random, lang: str, n_events: int = 2) -> tuple[str, str]:
    """(title, body) of a small article: event sentences and filler in paragraphs."""
    events, filler, days = (EN_EVENTS, EN_FILLER, EN_DAYS) if lang == "en" else (FR_EVENTS, FR_FILLER, FR_DAYS)
    chosen = rng.sample(events, n_events)
    paras = [s.format(wd=rng.choice(days)) + " " + rng.choice(filler) for s in chosen]
    title = chosen[0].split(",")[0].split(" on ")[0].format(wd=rng.choice(days)).rstrip(".")[:80]
    return title, "\n\n".join(paras)


def html_page(title: str, body: str, *, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<!doctype html><html><head>{meta}<title>{title}</title></head><body><nav><a href='/'>Home</a>"
            f"</nav><article><h1>{title}</h1>{paras}</article><footer>© 2026</footer></body></html>")


# ---------------------------------------------------------------- the corpus


class Corpus:
    def __init__(self, out: Path, seed: int):
        self.out = out
        self.rng = random.Random(seed)
        self.manifest: dict[str, dict] = {}
        self.broken = 0
        self.serial = 0

    def article(self, lang: str, n_events: int = 2) -> tuple[str, str]:
        """``article`` plus a numbered closing line: the store deduplicates identical texts, and every
        file of the corpus must be its own document."""
        self.serial += 1
        title, body = article(self.rng, lang, n_events)
        tail = f"Dispatch {self.serial}." if lang == "en" else f"Dépêche numéro {self.serial}."
        return title, f"{body}\n\n{tail}"

    def write(self, name: str, data: bytes | str, cls: str, expect: str, *, broken: bool = True,
              lines: dict[str, str] | None = None) -> None:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        entry: dict = {"class": cls, "expect": expect, "broken": broken}
        if lines is not None:
            entry["lines"] = lines
        self.manifest[name] = entry
        self.broken += broken

    def good(self, count: int) -> None:
        for i in range(count):
            lang = "en" if i % 2 == 0 else "fr"
            title, body = self.article(lang, n_events=2)
            if i % 4 < 2:
                self.write(f"good/{lang}_{i:02d}.txt", f"{title}\n\n{body}\n", "good text", "coded", broken=False)
            else:
                self.write(f"good/{lang}_{i:02d}.html", html_page(title, body), "good html", "coded", broken=False)

    def randbytes(self, n: int) -> bytes:
        return bytes(self.rng.getrandbits(8) for _ in range(n))

    def broken_files(self) -> None:  # noqa: PLR0915 - one block per class, easier to read flat
        rng = self.rng
        ext = [".txt", ".html", ".jsonl", ".xml", ".md"]
        for i in range(10):
            self.write(f"empty/empty_{i:02d}{ext[i % len(ext)]}", b"", "empty file", "failed")
        for i in range(8):
            ws = "".join(rng.choice(" \t\n\r\u00a0") for _ in range(rng.randint(1, 200)))
            self.write(f"empty/blank_{i:02d}{ext[i % 2]}", ws, "whitespace only", "failed")
        for i in range(15):
            self.write(f"binary/random_{i:02d}{ext[i % 3]}", self.randbytes(rng.randint(200, 5000)),
                       "random binary", "failed")
        magics = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"\x7fELF\x02\x01", b"\xff\xd8\xff\xe0"]
        for i in range(10):
            self.write(f"binary/magic_{i:02d}{ext[i % 2]}", magics[i % len(magics)] + self.randbytes(2000),
                       "binary with a text name", "failed")
        # Encodings without declaration: detected and decoded, so coded.
        for i in range(10):
            lang = ["en", "fr"][i % 2]
            title, body = self.article(lang)
            enc = "utf-16-le" if i % 2 == 0 else "utf-16-be"
            self.write(f"encoding/utf16_nobom_{i:02d}.txt", f"{title}\n\n{body}\n".encode(enc),
                       "UTF-16 without BOM", "coded")
        for i in range(4):
            title, body = self.article("fr")
            self.write(f"encoding/utf16_bom_{i:02d}.txt", f"{title}\n\n{body}\n".encode("utf-16"),
                       "UTF-16 with BOM", "coded")
        for i in range(12):
            title, body = self.article("fr", n_events=2)
            enc = "cp1252" if i % 2 == 0 else "latin-1"
            text = f"{title}\n\n{body}\n"
            if enc == "cp1252":
                text = text.replace("'", "\u2019")  # a cp1252-only character
            data = text.encode(enc, errors="replace")
            if i % 3 == 0:
                self.write(f"encoding/{enc}_{i:02d}.html", html_page(title, body, charset=None).encode(enc, "replace"),
                           f"{enc} HTML without charset", "coded")
            else:
                self.write(f"encoding/{enc}_{i:02d}.txt", data, f"{enc} text without declaration", "coded")
        for i in range(10):
            title, body = self.article(["en", "fr"][i % 2])
            raw = f"{title}\n\n{body}\n".encode()
            cut = rng.randint(len(title) + 2, len(raw) - 1)
            bad = rng.choice([b"\xff", b"\xc3\x28", b"\xe2\x82", b"\x80\x80", b"\xf0\x28\x8c\x28"])
            self.write(f"encoding/invalid_utf8_{i:02d}.txt", raw[:cut] + bad + raw[cut:], "invalid UTF-8 bytes",
                       "document")
        for i in range(6):
            title, body = self.article("fr")
            raw = f"{title}\n\n{body} Les négociations reprendront à Genève à l’été".encode()
            self.write(f"encoding/truncated_utf8_{i:02d}.txt", raw[:-2], "UTF-8 cut inside a character",
                       "document")
        # HTML
        for i in range(8):
            heads = ["<html><head><title>Accueil</title></head></html>", "<html></html>",
                     "<!doctype html><html><head><meta charset=utf-8></head><body></body></html>",
                     "<html><body><!-- nothing but a comment --><form><input name=q></form></body></html>"]
            self.write(f"html/no_body_{i:02d}.html", heads[i % len(heads)], "HTML without body text", "failed")
        for i in range(8):
            scripts = "".join(f"<script>var x{j} = {rng.randint(0, 99999)}; document.write('ad');</script>"
                              for j in range(rng.randint(1, 50)))
            if i % 4 == 3:  # a JavaScript-only page with a notice: the notice is all the text there is
                self.write(f"html/only_scripts_{i:02d}.html", f"<html><head>{scripts}</head><body>{scripts}"
                           f"<noscript>Please enable JavaScript to read page {i}.</noscript></body></html>",
                           "HTML with only scripts and a noscript notice", "document")
            else:
                self.write(f"html/only_scripts_{i:02d}.html", f"<html><head>{scripts}</head><body>{scripts}"
                           "<style>p{color:red}</style></body></html>", "HTML with only scripts", "failed")
        for i in range(6):
            title, body = self.article(["en", "fr"][i % 2])
            depth = [300, 1000, 5000, 20000, 260, 2000][i]
            page = ("<html><body>" + "<div>" * depth + "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
                    + "</div>" * depth + "</body></html>")
            self.write(f"html/deep_{i:02d}.html", page, f"HTML nested {depth} deep", "rejected")
        for i in range(6):
            title, body = self.article(["en", "fr"][i % 2], n_events=3)
            page = html_page(title, body)
            cut = page.index("</p>") + 4 + rng.randint(5, 40)
            self.write(f"html/truncated_{i:02d}.html", page[:cut], "truncated HTML download", "coded")
        # JSONL: one file per problem, with good lines around the bad one.
        def jsonl(name: str, cls: str, bad: str, bad_expect: str = "failed") -> None:
            recs, lines = [], {}
            for k in range(3):
                if k == 1:
                    recs.append(bad)
                    lines[str(k + 1)] = bad_expect
                else:
                    lang = ["en", "fr"][k % 2]
                    title, body = self.article(lang)
                    recs.append(json.dumps({"id": f"{Path(name).stem}-{k}", "text": body, "title": title,
                                            "lang": lang, "pub_date": "2026-11-27"}, ensure_ascii=False))
                    lines[str(k + 1)] = "coded"
            self.write(name, "\n".join(recs) + "\n", cls, "lines", lines=lines)

        malformed = ['{"id": "x", "text": "Japan agreed', '{"id": 1, text: "no quotes"}', "[1, 2, 3",
                     '{"text": "a"} trailing', "not json at all", '{"text": "tab\tin\tstring"}',
                     "{'text': 'single quotes'}", '{"text": "x",}']
        for i, bad in enumerate(malformed):
            jsonl(f"jsonl/malformed_{i:02d}.jsonl", "JSONL malformed line", bad)
        for i, bad in enumerate(['{"id": "m1"}', '{"id": "m2", "title": "No text"}', '{"text": null}',
                                 '{"id": "m4", "body": "wrong key"}', '{}', '{"id": "m6", "text": ""}']):
            jsonl(f"jsonl/missing_text_{i:02d}.jsonl", "JSONL without text", bad)
        for i, bad in enumerate(['{"text": 42}', '{"text": ["a", "b"]}', '{"text": {"fr": "x"}}', '{"text": true}',
                                 '{"text": 1.5e300}', '"just a string"']):
            jsonl(f"jsonl/text_type_{i:02d}.jsonl", "JSONL text not a string", bad)
        for i in range(4):
            title, body = self.article("en")
            rec = {"id": f"unknown-{i}", "text": body, "lang": "en", "pub_date": "2026-11-27",
                   "section": "world", "tags": ["a", "b"], "nested": {"x": [1, 2]}, "score": i}
            jsonl(f"jsonl/unknown_fields_{i:02d}.jsonl", "JSONL unknown fields", json.dumps(rec), "coded")
        for i, bad in enumerate(['{"text": "Japan agreed to talks.", "pub_date": "yesterday"}',
                                 '{"text": "Japan agreed to talks.", "pub_date": 20261127}',
                                 '{"text": "Japan agreed to talks.", "url": 12}']):
            jsonl(f"jsonl/bad_field_{i:02d}.jsonl", "JSONL field of the wrong type", bad)
        for i in range(3):
            self.write(f"jsonl/binary_{i:02d}.jsonl", b"\x00\x01\x02" + self.randbytes(500), "binary .jsonl",
                       "failed")
        for i in range(4):
            lines = "".join(json.dumps({"id": f"gz{i}-{k}", "text": self.article("en")[1], "lang": "en"}) + "\n"
                            for k in range(40))
            gz = gzip.compress(lines.encode(), mtime=0)
            self.write(f"jsonl/truncated_{i:02d}.jsonl.gz", gz[: len(gz) // 2], "truncated .jsonl.gz", "partial")
        # WARC
        for i in range(6):
            self.write(f"warc/not_html_{i:02d}.warc", self.warc_without_html(i), "WARC without HTML records",
                       "failed")
        for i in range(4):
            data = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\n" + self.randbytes(300)
            self.write(f"warc/garbage_{i:02d}.warc", data if i % 2 else self.randbytes(400), "corrupt WARC",
                       "failed")
        # Feeds
        for i in range(4):
            feeds = ["<rss><channel><title>x</title></channel></rss>", "<?xml version='1.0'?><rss><channel><item>",
                     "<feed xmlns='http://www.w3.org/2005/Atom'></feed>", "<rss>\x00\x01</rss>"]
            self.write(f"feed/broken_{i:02d}.xml", feeds[i], "broken or empty feed", "failed")
        # Languages, control characters, no letters, a long article
        for i in range(12):
            lang = list(OTHER_LANGS)[i % 4]
            sents = OTHER_LANGS[lang][:]
            rng.shuffle(sents)
            self.write(f"lang/{lang}_{i:02d}.txt", " ".join(sents) + f" ({i})\n", f"unsupported language {lang}",
                       "skipped")
        for i in range(8):
            title, body = self.article(["en", "fr"][i % 2])
            chars = list(body)
            for _ in range(rng.randint(1, 6)):
                chars.insert(rng.randrange(len(chars)), rng.choice("\x01\x02\x07\x08\x0b\x0c\x1b\x7f\x85\u2028"))
            self.write(f"control/ctl_{i:02d}.txt", f"{title}\n\n{''.join(chars)}\n", "control characters", "coded")
        for i in range(4):
            junk = " ".join(rng.choice(["12", "3.5", "--", "!!", "%", "2026", "(1)", "…", "€"]) for _ in range(60))
            self.write(f"control/no_letters_{i:02d}.txt", junk, "text without letters", "failed")
        for i in range(5):
            title, body = self.article(["en", "fr"][i % 2], n_events=3)
            text = f"{title}\n\n{body}"
            cut = rng.randint(text.index("\n\n", len(title) + 2) + 2, len(text) - 3)
            self.write(f"control/truncated_{i:02d}.txt", text[:cut], "text download cut mid-word", "coded")
        for i in range(4):
            title, body = self.article(["en", "fr"][i % 2])
            self.write(f"control/html_as_txt_{i:02d}.txt", html_page(title, body), "HTML saved as .txt",
                       "document")
        for i in range(4):
            title, body = self.article(["en", "fr"][i % 2])
            eol = ["\r\n", "\r", "\n\r", "\u2029"][i]
            text = "\ufeff" + f"{title}\n\n{body}\n".replace("\n", eol)
            self.write(f"control/line_ends_{i:02d}.txt", text, "BOM and CR/CRLF/LS line ends", "coded")
        for i in range(2):
            parts = []
            while sum(map(len, parts)) < 150_000:
                parts.append(self.article(["en", "fr"][i])[1])
            self.write(f"long/long_{i}.txt", "\n\n".join(parts) + "\n", "150 kB article (chunked)", "coded")

    def warc_without_html(self, i: int) -> bytes:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        buf = io.BytesIO()
        w = WARCWriter(buf, gzip=False)
        kinds = [("image/png", b"\x89PNG\r\n\x1a\n" + self.randbytes(100)), ("application/json", b'{"a": 1}'),
                 ("text/css", b"body{color:red}"), ("application/pdf", b"%PDF-1.4 ...")]
        for k in range(1 + i % 3):
            ctype, payload = kinds[(i + k) % len(kinds)]
            hh = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(f"https://example.org/{i}/{k}", "response", payload=io.BytesIO(payload),
                                       http_headers=hh, warc_headers_dict={"WARC-Date": "2026-11-27T00:00:00Z",
                                                                           "WARC-Record-ID": f"<urn:uuid:{i}-{k}>"})
            w.write_record(rec)
        if i % 2:
            hh = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(
                f"https://example.org/{i}/missing", "response", payload=io.BytesIO(b"<html>Not found</html>"),
                http_headers=hh, warc_headers_dict={"WARC-Date": "2026-11-27T00:00:00Z",
                                                    "WARC-Record-ID": f"<urn:uuid:{i}-404>"}))
        return buf.getvalue()


def make_corpus(out: Path, seed: int = 0) -> dict[str, dict]:
    """Write the corpus under ``out``; return the manifest (also written to ``out/.manifest.json``)."""
    out.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(out, seed)
    corpus.broken_files()
    corpus.good(20)
    (out / ".manifest.json").write_text(json.dumps(corpus.manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return corpus.manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    manifest = make_corpus(args.out_dir, args.seed)
    broken = sum(1 for m in manifest.values() if m["broken"])
    print(f"{len(manifest)} files ({broken} broken, {len(manifest) - broken} good) in {args.out_dir}")


if __name__ == "__main__":
    main()
