"""What a batch run reports: one result per article and the totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from polyglot_news.batch.inputs import Failure
from polyglot_news.errors import EXIT_PARTIAL

Status = Literal["ok", "failed", "resumed"]


@dataclass(frozen=True)
class ArticleResult:
    """What happened to one article, for progress and messages (the data went to ``emit``)."""

    id: str | int
    status: Status
    failure: Failure | None = None
    output: str | None = None
    notes: tuple[str, ...] = ()
    """Translation notes not seen before in this run (each distinct note is reported once)."""


@dataclass
class Report:
    """Counts of a run; ``exit_code`` is 0 when every article succeeded, else 7 (partial)."""

    ok: int = 0
    failed: int = 0
    resumed: int = 0
    flagged: int = 0
    """Articles with a translated sentence the guard flagged (``translations.LANG.flags``)."""
    notes: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.ok + self.failed + self.resumed

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.failed else 0

    def count(self, status: Status) -> None:
        """Count one article that ended ``ok``, ``failed`` or ``resumed``."""
        if status == "ok":
            self.ok += 1
        elif status == "failed":
            self.failed += 1
        else:
            self.resumed += 1


