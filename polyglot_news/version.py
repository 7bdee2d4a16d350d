"""The version, a leaf: every module that needs it imports it from here; and how to add an extra.

The name ``polyglot-news`` is not published on PyPI, so a hint may never install the project by
name from an index: that fails, or installs whatever someone registered under the name.
:func:`install_hint` gives the command that works from where this installation came from: the
checkout, the wheel file, or the offline install kit's wheels.
"""

from __future__ import annotations

__version__ = "0.1.0"

DISTRIBUTION = "polyglot-news"
KIT_HINT = "pip install --no-index --find-links KIT/wheels '{name}[{extra}]' (KIT: the offline install kit's folder)"
KIT_REINSTALL_HINT = "pip install --no-index --find-links KIT/wheels {name} (KIT: the offline install kit's folder)"


def install_hint(extra: str | None = None) -> str:
    """The command that installs the optional ``extra`` (``lingua``, ``dask``, …) into this installation;
    without one, the command that installs polyglot-news itself again with its own dependencies (a
    broken installation that lost one).

    From a checkout (an editable install, or the source folder itself):
    ``pip install -e '.[extra]'``, with the checkout's path unless it is the current folder;
    from a wheel file or a folder that is still there: ``pip install 'WHEEL[extra]'``;
    otherwise (installed from the offline install kit's wheels, which pip does not record):
    the kit's command, which never asks an index.
    """
    import contextlib
    import json
    import os
    import shlex
    from importlib import metadata
    from pathlib import Path
    from urllib.parse import unquote, urlsplit

    def local(url: str) -> Path | None:
        parts = urlsplit(url)
        return Path(unquote(parts.path)) if parts.scheme == "file" else None

    try:
        origin = json.loads(metadata.distribution(DISTRIBUTION).read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        origin = {}
    where = local(origin.get("url", ""))
    editable = bool(origin.get("dir_info", {}).get("editable"))
    source = Path(__file__).resolve().parents[1]  # the checkout, when run from one
    if where is None and (source / "setup.cfg").is_file():
        where, editable = source, True
    if where is None or not where.exists():
        return (KIT_HINT if extra else KIT_REINSTALL_HINT).format(name=DISTRIBUTION, extra=extra)
    if where.is_dir():
        with contextlib.suppress(OSError):
            if os.path.samefile(where, Path.cwd()):
                where = Path(".")
    return f"pip install {'-e ' if editable else ''}{shlex.quote(f'{where}[{extra}]' if extra else str(where))}"
