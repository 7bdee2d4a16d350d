"""The version, a leaf: every module that needs it imports it from here."""

from __future__ import annotations

__version__ = "0.1.0"

