"""Every test runs offline, with its own model store and data home."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.archives import make_archive

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


_REAL_SOCKET = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


class NetworkBlocked(OSError):
    """Raised by the socket guard: a test tried to reach the network (an OSError, as offline)."""


@pytest.fixture(autouse=True)
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Any, ...]]]:
    """Block every outgoing network connection and name lookup; record who tried.

    Unix-domain sockets stay allowed: they never leave the machine, and multiprocessing's
    forkserver talks through one.
    """
    attempts: list[tuple[Any, ...]] = []
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise NetworkBlocked(f"network access in a test: {args!r}")

    def guarded(real: Any) -> Any:
        def method(self: socket.socket, *args: Any) -> Any:
            if self.family == socket.AF_UNIX:
                return real(self, *args)
            return guard(*args)

        return method

    monkeypatch.setattr(socket.socket, "connect", guarded(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(connect_ex))
    monkeypatch.setattr(socket, "create_connection", guard)
    monkeypatch.setattr(socket, "getaddrinfo", guard)
    yield attempts


@pytest.fixture
def loopback_only(
    monkeypatch: pytest.MonkeyPatch, network_attempts: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Let a test reach servers on 127.0.0.1 (its stand-in hub), and nothing else.

    Only for tests that start their own server on loopback; every other address stays blocked
    and is recorded in ``network_attempts``, as by the autouse guard.
    """
    connect, connect_ex, create_connection, getaddrinfo = _REAL_SOCKET

    def to_loopback(address: Any) -> bool:
        return isinstance(address, tuple) and len(address) >= 2 and address[0] in LOOPBACK_HOSTS

    def blocked(*what: Any) -> NetworkBlocked:
        network_attempts.append(what)
        return NetworkBlocked(f"network access in a test: {what!r} is not the loopback stand-in")

    def checked(real: Any) -> Any:
        def method(self: socket.socket, address: Any) -> Any:
            if self.family == socket.AF_UNIX or (self.family == socket.AF_INET and to_loopback(address)):
                return real(self, address)
            raise blocked(address)

        return method

    def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host in LOOPBACK_HOSTS:
            return [r for r in getaddrinfo("127.0.0.1", *args, **kwargs) if r[0] == socket.AF_INET]
        raise blocked(host, *args)

    def create(address: Any, *args: Any, **kwargs: Any) -> Any:
        if not to_loopback(address):
            raise blocked(address)
        return create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", checked(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", checked(connect_ex))
    monkeypatch.setattr(socket, "create_connection", create)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return network_attempts


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the model store, the Argos packages dir and the data home into tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setenv("POLYGLOT_NEWS_MODELS", str(home / "models"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(home / "argos-packages"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    return home


@pytest.fixture
def example_text() -> str:
    return (EXAMPLES / "belarus_us_relations.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def test_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every project-built test package (``.argosmodel`` files), built once per session."""
    from lang_models.build_test_packages import PACKAGES, build

    return build(tmp_path_factory.mktemp("test-packages"), which=list(PACKAGES))


@pytest.fixture
def install_packages(test_packages: dict[str, Path]) -> Any:
    """Install the named test packages into this test's isolated store."""
    from polyglot_news.models.installer import install

    def _install(*names: str) -> None:
        for name in names:
            install(test_packages[name])

    return _install


@pytest.fixture(autouse=True)
def fresh_engine() -> Iterator[None]:
    """Each test starts without loaded packages or remembered translations."""
    from polyglot_news.translation.loader import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def store(isolated_home: Path) -> Path:
    return isolated_home / "models"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return make_archive(tmp_path / "translate-en_ru-1_0.argosmodel")
