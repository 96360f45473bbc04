"""Errors with stable codes, so users can search for them (spaCy-style).

Codes: E0xx input/ingest, E1xx data files and dictionaries, E2xx pipeline
stages, E3xx store, E4xx web/API, E5xx scale-out.
"""

from __future__ import annotations


class DragomanError(Exception):
    """Base error: ``code`` is stable, ``where`` names the file/record at fault."""

    code = "E000"

    def __init__(self, message: str, *, where: str | None = None, code: str | None = None):
        self.message = message
        self.where = where
        if code is not None:
            self.code = code
        super().__init__(str(self))

    def __str__(self) -> str:
        prefix = f"[{self.code}]"
        return f"{prefix} {self.where}: {self.message}" if self.where else f"{prefix} {self.message}"


class InputError(DragomanError):
    """A file or record that cannot be read or decoded."""

    code = "E001"


class DataFileError(DragomanError):
    """A lexicon, dictionary or gazetteer file that does not validate."""

    code = "E100"


class PipelineError(DragomanError):
    """A pipeline stage failed on one document."""

    code = "E200"


class StoreError(DragomanError):
    """The corpus store cannot be opened or written."""

    code = "E300"
