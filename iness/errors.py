"""The errors iness raises on bad data: each message names the file, the row or
record where known, the column, and what was expected."""
from __future__ import annotations


class InessError(Exception):
    """Base of every error the package raises on purpose."""


class DataFetchError(InessError):
    """A raw file could not be obtained (network down, mirror missing...)."""


class DataHashError(DataFetchError):
    """A downloaded or cached file does not have its registered SHA-256."""


class RawDataError(InessError):
    """A raw file does not have the shape its reader expects.

    ``path``, ``row`` (1-based data record, header excluded) and ``column`` are
    kept as attributes so that callers can point at the place.
    """

    def __init__(self, path, problem: str, *, row: int | None = None,
                 column: str | None = None, line: int | None = None):
        self.path = str(path)
        self.row = row
        self.column = column
        self.line = line
        self.problem = problem
        where = [self.path]
        if line is not None:
            where.append(f"line {line}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}")


class RawEncodingError(RawDataError):
    """Bytes that are not UTF-8."""


class RawFormatError(RawDataError):
    """Malformed or truncated CSV or JSON, or an empty file."""


class RawColumnsError(RawDataError):
    """A missing or renamed column or key."""


class ValidationError(InessError):
    """A processed table or a survey breaks its schema; lists every failure."""


class SurveyError(ValidationError):
    """A researcher's survey file has bad rows or columns (all listed at once)."""


class NotebookError(InessError):
    """A notebook failed while the report was executing it."""


class OutputError(InessError):
    """An output folder iness may not write into, or cannot replace safely."""
