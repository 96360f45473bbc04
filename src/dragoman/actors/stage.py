"""``ActorStage``: fills ``Document.actor_mentions`` from the sentences' spaCy spans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from dragoman.actors.context import apply_context
from dragoman.actors.kb import ActorKB, get_kb
from dragoman.actors.resolve import DocState, Resolver
from dragoman.pipeline import per_document
from dragoman.schema import ActorMention, Document


class ActorStage:
    name = "actors"

    def __init__(self, extra_files: Sequence[Path] = (), kb: ActorKB | None = None):
        self.extra_files = [Path(p) for p in extra_files]
        self._kb = kb
        self._resolvers: dict[str, Resolver] = {}

    @property
    def kb(self) -> ActorKB:
        if self._kb is None:
            self._kb = get_kb(self.extra_files)
        return self._kb

    @property
    def gazetteer(self):
        from dragoman.places import load_gazetteer  # places' gazetteer: built once per process

        return load_gazetteer()

    def resolver(self, lang: str) -> Resolver:
        r = self._resolvers.get(lang)
        if r is None:
            r = self._resolvers[lang] = Resolver(self.kb, lang)
        return r

    def __call__(self, docs: Iterable[Document]) -> Iterator[Document]:
        return per_document(self.name, docs, self.process)

    def process(self, doc: Document) -> None:
        lang = doc.lang or doc.lang_detected or "en"
        resolver = self.resolver(lang)
        state = DocState(lang=resolver.lang, day=doc.pub_date or dt.date.today())
        resolver.begin(state)
        mentions: list[ActorMention] = []
        for sent in doc.sentences:
            span = sent.span
            if span is None or len(span) == 0:
                continue
            sdoc = span.doc
            for f in resolver.sentence(span, state):
                first, last = sdoc[f.start], sdoc[f.end - 1]
                start = doc.orig(sent.norm_offset + first.idx)
                end = doc.orig(sent.norm_offset + last.idx + len(last.text))
                f.actor.start, f.actor.end = start, end
                f.actor.text = doc.text[start:end]
                mentions.append(ActorMention(f.actor, sent.index, f.start, f.end, start, end, f.kind))
        doc.actor_mentions = mentions
        # sector-only mentions ("the police", "Judge X") take the country their context makes clear
        apply_context(doc, self.gazetteer)
