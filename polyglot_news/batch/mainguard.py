"""Is it safe to start worker processes? Not from the unguarded top level of a script.

Worker processes (forkserver or spawn) re-run the main script as ``__mp_main__`` before they
work. A script that calls ``run_batch(..., workers=4)`` at its top level, without
``if __name__ == "__main__":``, would start the batch again inside every worker, which
multiprocessing refuses: every article would fail with ``BrokenProcessPool``. This module
finds that case before any process starts, by reading the script: the line of the script's
top level that (directly or through functions) called us must lie inside such a guard.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from types import FrameType

FIX = 'put the call under `if __name__ == "__main__":`'


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    test = node.test
    if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    values = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(values) == 1


def _guarded_lines(source: str) -> list[tuple[int, int]]:
    """Line ranges of the top-level ``if __name__ == "__main__":`` blocks of ``source``."""
    tree = ast.parse(source)
    return [(n.lineno, n.end_lineno or n.lineno) for n in tree.body if _is_main_guard(n)]


def _main_module_frame(main_globals: dict[str, object]) -> FrameType | None:
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_globals is main_globals and frame.f_code.co_name == "<module>":
            return frame
        frame = frame.f_back
    return None


def unguarded_script() -> str | None:
    """The main script's path if this call comes from its top level outside a main guard.

    None when starting workers is safe: no main script (``python -c``, a REPL, an embedded
    interpreter), a call from another thread, or a call inside ``if __name__ == "__main__":``.
    An unreadable script counts as safe: then the workers' own error stands.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path:
        return None
    frame = _main_module_frame(vars(main))
    if frame is None:
        return None
    try:
        ranges = _guarded_lines(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    line = frame.f_lineno
    if any(start <= line <= end for start, end in ranges):
        return None
    return str(path)
