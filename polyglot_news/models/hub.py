"""The model hub, through its own client library (``huggingface_hub``): file lists and checked downloads.

Networked, like :mod:`polyglot_news.models.fetcher`, and used only by the two commands that may
go online: ``models fetch`` (ready CTranslate2 models) and ``models build HUB_ID``. The client
is an optional extra (``pip install -e '.[fetch]'`` from a checkout; ``[build]`` brings it too)
and is imported inside the functions that use it, never by digest/translate nor at import time.

``HF_ENDPOINT`` points the client at a mirror (the tests use a stand-in hub on 127.0.0.1). It is
read at call time and passed on explicitly, so it works even after the client was imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polyglot_news.errors import ModelError
from polyglot_news.version import install_hint

__all__ = [
    "DownloadProgress", "HubFile", "choose_weights", "download_files", "list_files", "snapshot",
]  # fmt: skip

DownloadProgress = Callable[[str, int, "int | None"], None]
"""Told ``(file name, bytes so far, total bytes or None)`` as a download goes (the CLI draws it)."""

DEFAULT_ENDPOINT = "https://huggingface.co"
COMMIT = re.compile(r"^[0-9a-f]{40}$")
_WEIGHTS_SAFETENSORS = re.compile(r"^model(?:-\d+-of-\d+)?\.safetensors$|^model\.safetensors\.index\.json$")
_WEIGHTS_PYTORCH = re.compile(r"^pytorch_model(?:-\d+-of-\d+)?\.bin$|^pytorch_model\.bin\.index\.json$")
_OTHER_WEIGHTS = re.compile(r"\.(?:h5|msgpack|ot|onnx|safetensors|bin|ckpt|pt|pth|gguf)$|\.index\.json$")


@dataclass(frozen=True)
class HubFile:
    """One file of a repository at a commit, with the checksums the hub publishes for it."""

    path: str
    size: int | None
    sha256: str | None  # published for files stored with LFS (all weights)
    blob_id: str | None  # the git blob sha1, published for every file

    def check(self, local: Path, pinned_sha256: str | None = None) -> str | None:
        """``None`` when ``local`` matches every checksum known for it, else what differs."""
        sha256, sha1 = hashlib.sha256(), hashlib.sha1()
        size = local.stat().st_size
        sha1.update(f"blob {size}\0".encode())
        with open(local, "rb") as handle:
            while chunk := handle.read(1 << 20):
                sha256.update(chunk)
                sha1.update(chunk)
        if self.size is not None and size != self.size:
            return f"{size} bytes, not the {self.size} the hub lists"
        for expected, actual, source in (
            (pinned_sha256, sha256.hexdigest(), "the catalog's sha256"),
            (self.sha256, sha256.hexdigest(), "the hub's sha256"),
            (None if self.sha256 else self.blob_id, sha1.hexdigest(), "the hub's git blob id"),
        ):
            if expected and actual != expected.lower():
                return f"checksum {actual} does not match {source} {expected}"
        return None


def endpoint() -> str:
    """The hub address: ``$HF_ENDPOINT`` (a mirror, or the tests' stand-in), else huggingface.co."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hub_cache() -> Path:
    """Where ``models build HUB_ID`` downloads go: ``$HF_HUB_CACHE``, else ``$HF_HOME/hub``, else
    ``~/.cache/huggingface/hub`` (read at call time; clear it with ``hf cache rm`` or by deleting it)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME") or "~/.cache", "huggingface")
    return Path(home).expanduser() / "hub"


def client(purpose: str) -> Any:
    """The ``huggingface_hub`` module, or a ModelError saying how to install it."""
    try:
        import huggingface_hub
        import huggingface_hub.constants  # submodules: the package's own attributes are lazy
        import huggingface_hub.utils
    except ImportError:
        raise ModelError(f"{purpose} needs the hub client (the fetch extra): {install_hint('fetch')}") from None
    # The client's telemetry (``HF_HUB_DISABLE_TELEMETRY``) adds a request of its own to
    # huggingface.co, even with HF_ENDPOINT set: only the files asked for are requested.
    huggingface_hub.constants.HF_HUB_DISABLE_TELEMETRY = True
    return huggingface_hub


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def hub_error(what: str, exc: BaseException) -> ModelError:
    """One line for anything the hub client raised; offline gets the copy-a-file advice."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    host = re.sub(r"^https?://", "", endpoint())
    if "OfflineModeIsEnabled" in names or os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return ModelError(f"{what}: HF_HUB_OFFLINE is set, so the hub is not contacted; unset it to go online")
    if "GatedRepoError" in names:
        return ModelError(f"{what}: the repository is gated: accept its terms on {host} and log in (`hf auth login`)")
    if "RepositoryNotFoundError" in names:
        return ModelError(f"{what}: no such repository on {host} (or it is private)")
    if "RevisionNotFoundError" in names:
        return ModelError(f"{what}: no such revision on {host}")
    if "EntryNotFoundError" in names:
        return ModelError(f"{what}: no such file on {host}")
    if "FileMetadataError" in names:
        return ModelError(f"{what}: {host} does not answer like a model hub ({_first_line(exc)}); check HF_ENDPOINT")
    if "HfHubHTTPError" in names:
        return ModelError(f"{what}: the hub answered with an error ({_first_line(exc)})")
    if names & {"ConnectError", "TimeoutException", "LocalEntryNotFoundError", "ConnectionError", "OSError"}:
        return ModelError(
            f"{what}: cannot reach {host} ({_first_line(exc)}): you appear to be offline; on a connected machine "
            "run the same command, or copy the model folder or the .argosmodel file here "
            "(`polyglot-news models build FOLDER`, `polyglot-news models install FILE`)"
        )
    return ModelError(f"{what}: {type(exc).__name__}: {_first_line(exc)}")


@contextlib.contextmanager
def _progress(hf: Any, show: bool) -> Iterator[None]:
    """Show the client's progress bars (stderr) only when asked: the CLI asks on a terminal."""
    utils = hf.utils
    was_disabled = utils.are_progress_bars_disabled()
    (utils.enable_progress_bars if show else utils.disable_progress_bars)()
    try:
        yield
    finally:
        (utils.disable_progress_bars if was_disabled else utils.enable_progress_bars)()


def _reporting(hf: Any, report: DownloadProgress | bool, label: str) -> dict[str, Any]:
    """``tqdm_class=`` for the client: a silent bar that tells ``report`` how ``label`` goes
    (``{}`` when ``report`` is no callback, or the client is too old to take one)."""
    import inspect

    if not callable(report) or "tqdm_class" not in inspect.signature(hf.hf_hub_download).parameters:
        return {}
    tell: DownloadProgress = report
    from tqdm import tqdm  # type: ignore[import-untyped]

    class Reporting(tqdm):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.done, self.size = kwargs.get("initial") or 0, kwargs.get("total")
            super().__init__(*args, **{**kwargs, "disable": True})

        def update(self, n: float | None = 1) -> bool | None:
            self.done += int(n or 0)
            tell(label, self.done, self.size)
            return None

    return {"tqdm_class": Reporting}


def list_files(repo_id: str, revision: str | None) -> tuple[str, list[HubFile]]:
    """The commit ``revision`` resolves to and the files of ``repo_id`` there, with their checksums."""
    hf = client(f"downloading {repo_id}")
    try:
        info = hf.HfApi(endpoint=endpoint()).model_info(repo_id, revision=revision, files_metadata=True)
    except Exception as exc:  # the client raises many kinds; hub_error sorts them
        raise hub_error(f"cannot download {repo_id}{'@' + revision if revision else ''}", exc) from None
    files = [
        HubFile(
            path=s.rfilename,
            size=s.size,
            sha256=s.lfs.sha256 if s.lfs is not None else None,
            blob_id=s.blob_id,
        )
        for s in info.siblings or []
    ]
    if not info.sha or not COMMIT.match(info.sha):
        raise ModelError(f"{repo_id}: the hub gave no commit for revision {revision or 'main'}")
    return str(info.sha), files


def choose_weights(paths: Sequence[str]) -> list[str]:
    """The weight files to download: the safetensors if the repository has them, else pytorch_model.bin.

    Never both, never ``tf_model.h5``/Flax/ONNX. Only top-level files count (subfolders such as
    ``onnx/`` hold other formats).
    """
    top = [p for p in paths if "/" not in p]
    for pattern in (_WEIGHTS_SAFETENSORS, _WEIGHTS_PYTORCH):
        chosen = sorted(p for p in top if pattern.match(p))
        if any(not p.endswith(".json") for p in chosen):
            return chosen
    others = sorted(p for p in top if _OTHER_WEIGHTS.search(p))
    raise ModelError(
        "the repository has no weights that can be converted (model.safetensors or pytorch_model.bin)"
        + (f"; it has {', '.join(others)}" if others else "")
    )


def snapshot(repo_id: str, revision: str | None, wanted: Sequence[str], *, progress: bool = False) -> Path:
    """Download exactly ``wanted`` files of ``repo_id`` at ``revision`` into the hub cache; its folder.

    The hub cache is :func:`hub_cache`.
    """
    hf = client(f"downloading {repo_id}")
    try:
        with _progress(hf, progress):
            local = hf.snapshot_download(
                repo_id, revision=revision, allow_patterns=list(wanted), endpoint=endpoint(), cache_dir=hub_cache()
            )
    except Exception as exc:
        raise hub_error(f"cannot download {repo_id}", exc) from None
    return Path(local)


def download_files(
    repo_id: str,
    commit: str,
    files: Sequence[HubFile],
    destination: Path,
    *,
    pinned: dict[str, str] | None = None,
    progress: bool | DownloadProgress = False,
) -> None:
    """Download ``files`` of ``repo_id`` at ``commit`` into ``destination``, each checked.

    A file already there that matches its checksums is kept (a second run resumes where the
    first stopped); a dropped connection is resumed by the client with a Range request. Nothing
    goes to the user's hub cache: the client's bookkeeping stays under ``destination/.cache``. A file
    that does not match is deleted and the download refused. ``progress``: ``True`` shows the
    client's own bars on stderr; a :data:`DownloadProgress` is told how each file goes instead.

    Raises:
        ModelError: offline, the hub refused, a short download or a checksum mismatch.
    """
    hf = client(f"downloading {repo_id}")
    pinned = pinned or {}
    with _progress(hf, progress is True):
        for item in files:
            local = destination / item.path
            if local.is_file() and item.check(local, pinned.get(item.path)) is None:
                continue
            try:
                hf.hf_hub_download(
                    repo_id, item.path, revision=commit, local_dir=destination, endpoint=endpoint(),
                    force_download=local.exists(), cache_dir=destination / ".cache" / "hub",
                    **_reporting(hf, progress, item.path),
                )  # fmt: skip
            except Exception as exc:
                with contextlib.suppress(OSError):
                    local.unlink()
                if "Consistency check failed" in str(exc):
                    raise ModelError(
                        f"{repo_id}/{item.path}: the download was cut short ({_first_line(exc)}); "
                        "nothing installed: run the command again to resume"
                    ) from None
                raise hub_error(f"{repo_id}/{item.path}", exc) from None
            problem = item.check(local, pinned.get(item.path))
            if problem is not None:
                local.unlink()
                raise ModelError(f"{repo_id}/{item.path} at {commit[:12]}: {problem}; deleted, nothing installed")
