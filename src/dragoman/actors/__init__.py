"""Actor resolution: who is acting, as PLOVER actor codes (country + sector, or non-state codes).

``ActorStage`` fills ``Document.actor_mentions``; ``resolve_phrase`` codes a short phrase;
``ActorKB`` holds the dictionaries (``docs/actors.md``).
"""

from __future__ import annotations

from dragoman.actors.kb import ActorKB, get_kb
from dragoman.actors.phrase import resolve_phrase, resolve_phrases
from dragoman.actors.stage import ActorStage

__all__ = ["ActorKB", "ActorStage", "get_kb", "resolve_phrase", "resolve_phrases"]
