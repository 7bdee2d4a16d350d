"""The one error hierarchy. Each class carries the process exit code the CLI uses for it.

Exit codes (documented in docs/reference/exit-codes.md):
  0  success
  1  unexpected internal error (a bug: please report it)
  2  usage error (bad option or argument; click's own code; a detector or input reader that is not installed)
  3  bad input: empty, binary, invalid UTF-8, too large, unreadable; or an unwritable output
  4  language could not be determined (or is unsupported for the request)
  5  model problem: missing route, corrupt or hostile package, failed install
  6  citation invariant violated (a bug: markers would have been lost or moved)
  7  partial success: some requested outputs failed (e.g. one target language)
  8  no installed route (package or pivot chain) for an explicitly requested language pair
"""

from __future__ import annotations


class PolyglotNewsError(Exception):
    """Base class: every error the library raises on purpose."""

    exit_code: int = 1


class DetectorUnavailableError(PolyglotNewsError):
    """The requested language detector is not installed (the message names the pip command)."""

    exit_code = 2


class ReaderUnavailableError(PolyglotNewsError):
    """The library that reads this input format is not installed (the message names the pip command)."""

    exit_code = 2


class InputError(PolyglotNewsError):
    """The input text cannot be used (empty, binary, invalid UTF-8, too large, unreadable)."""

    exit_code = 3


class OutputError(PolyglotNewsError):
    """The output file cannot be written (missing folder, no permission, disk full)."""

    exit_code = 3


class DetectionError(PolyglotNewsError):
    """The source language could not be determined with enough confidence."""

    exit_code = 4


class ModelError(PolyglotNewsError):
    """A model package is missing, corrupt, hostile, or cannot be installed."""

    exit_code = 5


class RouteError(ModelError):
    """No installed package or pivot chain translates between the requested languages."""

    exit_code = 8


class CitationError(PolyglotNewsError):
    """The marker invariant broke: a citation would have been lost, invented or reordered."""

    exit_code = 6


class DeadlineError(PolyglotNewsError):
    """Work stopped at the deadline its caller set (the server's ``--timeout``); never raised otherwise."""


EXIT_PARTIAL = 7
EXIT_USAGE = 2
EXIT_INTERNAL = 1


def exit_code_of(error: BaseException) -> int:
    """The exit code an error maps to: its class's own, 2 for a bad value, 1 for anything else (a bug).

    A ``ValueError`` the library raises names a bad argument (a usage error); encoding errors are
    ``ValueError`` too, but they are bugs.
    """
    if isinstance(error, PolyglotNewsError):
        return error.exit_code
    if isinstance(error, ValueError) and not isinstance(error, UnicodeError):
        return EXIT_USAGE
    return EXIT_INTERNAL
