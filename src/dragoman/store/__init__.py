"""The corpus store: documents, mentions (one per report), events (deduplicated clusters) in DuckDB."""

from dragoman.store.api import DEFAULT_DB, Store
from dragoman.store.filters import EventFilter, FilterError
from dragoman.store.ingest import IngestOptions, IngestSummary

__all__ = ["DEFAULT_DB", "EventFilter", "FilterError", "IngestOptions", "IngestSummary", "Store"]
