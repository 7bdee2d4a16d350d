"""The marker invariant: a translation carries the markers of its source, in order, each final
one on its side of the final punctuation; with :func:`check_brackets`, every bracket group too."""

from __future__ import annotations

from collections.abc import Sequence

from polyglot_news.citations.verbatim import hold_out
from polyglot_news.document import Marker, Sentence
from polyglot_news.errors import CitationError

__all__ = ["check_brackets", "check_invariant", "final_side"]


def check_invariant(
    expected: Sequence[Marker],
    actual: Sequence[Marker],
    where: str,
    what: str = "citation markers",
    *,
    plains: tuple[str, str] | None = None,
) -> None:
    """Raise :class:`CitationError` unless both carry the same marker texts in the same order.

    With ``plains`` (the plain texts the two marker lists are anchored in), a final marker
    must also stay on its side of the final punctuation: ``met [1].`` may not become
    ``.[1]`` or ``met. [1]``, nor the other way round (see :func:`final_side`).
    """
    want = [m.text for m in expected]
    got = [m.text for m in actual]
    if want == got:
        if plains is not None:
            _check_sides(expected, actual, *plains, where=f"{what} in {where}")
        return
    missing = [t for t in want if t not in got]
    extra = [t for t in got if t not in want]
    detail = f"missing {missing}" if missing else f"unexpected {extra}" if extra else f"order {got} != {want}"
    raise CitationError(f"{what} changed in {where}: {detail}")


def final_side(plain: str, offset: int) -> str | None:
    """Where a marker anchored at ``offset`` of ``plain`` sits against the final punctuation.

    ``None`` for an inner marker (a letter or digit follows it); ``"before"`` when only
    punctuation (and spaces) follow it and none stands between it and the last word
    (``met [1].``); ``"after"`` when nothing but spaces follows it (``met. [1]``);
    ``"inside"`` between two punctuation marks (``yes.[1]"``).
    """
    rest = plain[offset:]
    if any(c.isalnum() for c in rest):
        return None
    if not rest.strip():
        return "after"
    core = next((i + 1 for i in range(offset - 1, -1, -1) if plain[i].isalnum()), 0)
    return "before" if not plain[core:offset].strip() else "inside"


def _check_sides(expected: Sequence[Marker], actual: Sequence[Marker], source: str, target: str, where: str) -> None:
    """A final marker stays before or after the final punctuation, as in the source.

    Only checked where both texts end in punctuation (a translation may drop or add it).
    """
    if not _ends_in_punctuation(source) or not _ends_in_punctuation(target):
        return
    for want, got in zip(expected, actual, strict=True):
        side = final_side(source, want.offset)
        if side not in ("before", "after"):
            continue
        found = final_side(target, got.offset)
        if found in ("before", "after") and found != side:
            raise CitationError(
                f"{where}: {want.text} moved from {side} to {found} the final punctuation"
            )


def _ends_in_punctuation(plain: str) -> bool:
    stripped = plain.rstrip()
    return bool(stripped) and not stripped[-1].isalnum()


def check_brackets(source: Sentence, target: Sentence, where: str) -> None:
    """Raise :class:`CitationError` unless ``target`` carries every bracket group of ``source``.

    Markers and verbatim groups (``[sic]``, ``x[1]``) are compared together: same texts, same
    order, none lost, none invented, a final one on its side of the final punctuation.
    """
    held, back = hold_out(source), hold_out(target)
    check_invariant(held.markers, back.markers, where, "bracket groups", plains=(held.plain, back.plain))
