#!/usr/bin/env python3
"""Build an offline install kit of polyglot-news: wheels for the laptops' platforms, models, checksums, INSTALL.

Run it on a machine connected to the internet, from the top folder of a checkout, with any
Python 3.10+ that has pip -- polyglot-news itself need not be installed:

    python3 tools/build_kit.py KIT_DIR                       # Linux x86-64/arm64, macOS arm64, Windows x86-64
    python3 tools/build_kit.py KIT_DIR --python 3.11 --python 3.12 --extras eval \\
        --model en-zle.argosmodel --model ~/.local/share/polyglot-news/models/translate-en_ru

KIT_DIR then holds ``wheels/`` (polyglot-news and every dependency, for each platform and Python
version named), ``models/`` (the packages given with --model, as .argosmodel files),
``examples/``, ``check_kit.py``, ``SHA256SUMS`` and ``INSTALL.md``: what a laptop that never
goes online needs, with the exact commands. The tool prints the sha256 of SHA256SUMS: give it to
whoever installs, by another way than the stick.

Why a script in tools/ and not a ``polyglot-news kit build`` command: the kit is built on the
connected machine before polyglot-news is installed anywhere (it needs the checkout, to build the
polyglot-news wheel, and pip, nothing else); and the installed product stays offline by
construction -- only ``models fetch`` and ``models build HUB_ID`` go online, never a third command.

pip's ``download --platform`` evaluates environment markers (``colorama; platform_system ==
"Windows"``) for this machine, not the target; so this script reads every downloaded wheel's
requirements, evaluates their markers for each target itself, and downloads what pip left out.
Dependencies published only as source are built here once, and kept only if pure Python.
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

try:
    from packaging.requirements import Requirement
except ImportError:  # pip vendors packaging; the script needs pip anyway
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "belarus_us_relations.txt"


@dataclass(frozen=True)
class Platform:
    """A target operating system and processor: pip's platform tags and the marker values there."""

    title: str
    tags: tuple[str, ...]
    markers: dict[str, str]


def _manylinux(arch: str, newest: int = 28) -> tuple[str, ...]:
    """manylinux tags from glibc 2.NEWEST down (2.28: Debian 10, Ubuntu 20.04, RHEL 8 and later)."""
    oldest = 5 if arch == "x86_64" else 17
    legacy = ("manylinux2014", "manylinux2010", "manylinux1") if arch == "x86_64" else ("manylinux2014",)
    return (*(f"manylinux_2_{m}_{arch}" for m in range(newest, oldest - 1, -1)), *(f"{t}_{arch}" for t in legacy))


def _macos(arch: str, newest: int = 14) -> tuple[str, ...]:
    """macOS tags from NEWEST down to 11 (10.9 for Intel), the universal2 builds too."""
    versions = [f"{v}_0" for v in range(newest, 10, -1)] + ([f"10_{m}" for m in range(16, 8, -1)])
    if arch == "arm64":
        versions = versions[: newest - 10]  # Apple silicon starts with macOS 11
    return (*(f"macosx_{v}_{arch}" for v in versions), *(f"macosx_{v}_universal2" for v in versions))


POSIX = {"os_name": "posix"}
PLATFORMS: dict[str, Platform] = {
    "linux-x86_64": Platform(
        "Linux x86-64", _manylinux("x86_64"),
        {**POSIX, "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64"},
    ),
    "linux-aarch64": Platform(
        "Linux arm64", _manylinux("aarch64"),
        {**POSIX, "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64"},
    ),
    "macos-arm64": Platform(
        "macOS arm64 (Apple silicon)", _macos("arm64"),
        {**POSIX, "sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64"},
    ),
    "macos-x86_64": Platform(
        "macOS x86-64 (Intel)", _macos("x86_64"),
        {**POSIX, "sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "x86_64"},
    ),
    "windows-x86_64": Platform(
        "Windows x86-64", ("win_amd64",),
        {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64"},
    ),
}
DEFAULT_PLATFORMS = ("linux-x86_64", "linux-aarch64", "macos-arm64", "windows-x86_64")


def host_platform() -> str:
    """This machine's key in PLATFORMS (for a kit that installs here, as the tests build)."""
    machine = platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine)
    if sys.platform.startswith("linux"):
        key = f"linux-{arch}"
    elif sys.platform == "darwin":
        key = "macos-arm64" if arch in ("aarch64", "arm64") else "macos-x86_64"
    else:
        key = f"windows-{arch}"
    if key not in PLATFORMS:
        raise SystemExit(f"error: no kit platform for this machine ({sys.platform} {machine})")
    return key


def marker_environment(target: Platform, python: str) -> dict[str, str]:
    return {
        **target.markers,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_version": "",
    }


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_name(path: Path) -> str:
    return canonical(path.name.split("-", 1)[0])


def requirements_of(wheel: Path) -> list[str]:
    """The ``Requires-Dist`` lines of a wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        message = email.parser.Parser().parsestr(archive.read(metadata).decode("utf-8"))
    return message.get_all("Requires-Dist") or []


def missing_requirements(wheels: list[Path], roots: list[str], environment: dict[str, str]) -> list[str]:
    """Requirements that ``wheels`` need on the target (markers evaluated there) but do not include."""
    present = {wheel_name(w): w for w in wheels}
    wanted: dict[str, set[str]] = {}  # name -> extras asked for
    missing: dict[str, str] = {}
    queue = [Requirement(r) for r in roots]
    while queue:
        requirement = queue.pop()
        name = canonical(requirement.name)
        extras = set(requirement.extras)
        if name in wanted and extras <= wanted[name]:
            continue
        wanted.setdefault(name, set()).update(extras)
        if name not in present:
            wanted_extras = f"[{','.join(sorted(extras))}]" if extras else ""
            missing.setdefault(name, f"{requirement.name}{wanted_extras}{requirement.specifier}")
            continue
        for line in requirements_of(present[name]):
            dependency = Requirement(line)
            if dependency.marker is None or any(
                dependency.marker.evaluate({**environment, "extra": extra}) for extra in ("", *sorted(wanted[name]))
            ):
                queue.append(dependency)
    return sorted(missing.values())


def pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", *args]
    print("+", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)


def build_self(work: Path, no_build_isolation: bool) -> Path:
    """The polyglot-news wheel of this checkout."""
    out = work / "self"
    isolation = ["--no-build-isolation"] if no_build_isolation else []
    pip("wheel", "--no-deps", "-q", "-w", str(out), *isolation, str(ROOT))
    (wheel,) = out.glob("polyglot_news-*.whl")
    return wheel


def pure_wheels(work: Path, root: str, index: list[str]) -> Path:
    """Pure-Python wheels of the dependency tree (here), so that source-only packages can travel."""
    out = work / "host"
    pip("wheel", "-q", "-w", str(out), *index, root)
    pure = work / "pure"
    pure.mkdir()
    for wheel in out.glob("*-none-any.whl"):
        shutil.copy2(wheel, pure / wheel.name)
    return pure


def download(
    target_key: str, python: str, roots: list[str], names: list[str], links: list[Path], index: list[str], work: Path
) -> list[Path]:
    """Every wheel ``roots`` need on one platform and Python version (markers evaluated for it).

    ``roots`` are what pip is given (a wheel file, with extras); ``names`` the same as requirements.
    """
    target = PLATFORMS[target_key]
    folder = work / f"{target_key}-py{python}"
    folder.mkdir()
    requirements = list(roots)
    for _ in range(10):
        tags = [arg for tag in target.tags for arg in ("--platform", tag)]
        found = [arg for link in links for arg in ("--find-links", str(link))]
        pip("download", "-q", "--only-binary", ":all:", *tags, "--python-version", python, "--implementation", "cp",
            "-d", str(folder), *found, *index, *requirements)
        wheels = sorted(folder.glob("*.whl"))
        missing = missing_requirements(wheels, names, marker_environment(target, python))
        if not missing:
            return wheels
        print(f"{target.title}, Python {python}: also needs {', '.join(missing)}", file=sys.stderr)
        requirements = [*roots, *missing]
    raise SystemExit(f"error: {target_key} Python {python}: requirements did not settle")


def oldest_system(target_key: str, wheels: list[Path]) -> str:
    """The oldest system every wheel runs on: glibc 2.N on Linux, macOS N on a Mac ('' elsewhere).

    A wheel runs where any of its platform tags does, so its floor is its lowest tag; the kit's
    floor is the highest of those (e.g. numpy's macOS arm64 wheels need macOS 14).
    """
    pattern = {"linux": r"manylinux_(\d+)_(\d+)_|manylinux(2014|2010|1)_", "macos": r"macosx_(\d+)_(\d+)_"}.get(
        target_key.split("-")[0]
    )
    if pattern is None:
        return ""
    legacy = {"2014": (2, 17), "2010": (2, 12), "1": (2, 5)}
    floor = (0, 0)
    for wheel in wheels:
        tags = wheel.name.removesuffix(".whl").split("-")[-1].split(".")
        found = [m for tag in tags if (m := re.match(pattern, tag))]
        versions = [legacy[m.group(3)] if m.lastindex == 3 else (int(m.group(1)), int(m.group(2))) for m in found]
        if versions:
            floor = max(floor, min(versions))
    if floor == (0, 0):
        return ""
    return f"glibc {floor[0]}.{floor[1]} or later" if target_key.startswith("linux") else f"macOS {floor[0]} or later"


def pack_model(source: Path, models: Path) -> Path:
    """An .argosmodel file copied, or an installed package's folder zipped into one."""
    if source.is_file():
        return Path(shutil.copy2(source, models / source.name))
    if not (source / "metadata.json").is_file():
        raise SystemExit(f"error: {source}: neither an .argosmodel file nor a package folder (no metadata.json)")
    out = models / f"{source.name}.argosmodel"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.rglob("*")):
            if path.is_file() and not path.is_symlink():
                archive.write(path, f"{source.name}/{path.relative_to(source).as_posix()}")
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(kit: Path) -> str:
    """SHA256SUMS over every file of the kit (``sha256sum -c`` format); returns its own sha256."""
    files = sorted(p for p in kit.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256(p)}  {p.relative_to(kit).as_posix()}\n" for p in files]
    (kit / "SHA256SUMS").write_text("".join(lines), encoding="utf-8", newline="\n")
    return sha256(kit / "SHA256SUMS")


CHECK_KIT = '''"""Check this install kit against SHA256SUMS: every file listed is there and intact, and nothing else is.

Run it with the laptop's Python from the kit's folder: python3 check_kit.py (Windows: py check_kit.py).
Exit code 0: the kit is as it was built; 1: a file is missing, changed or added (do not install).
"""

import hashlib
import sys
from pathlib import Path

kit = Path(__file__).resolve().parent
listed = {}
for line in (kit / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
    digest, name = line.split("  ", 1)
    listed[name] = digest
problems = []
for name, digest in sorted(listed.items()):
    path = kit / name
    if not path.is_file():
        problems.append(f"missing: {name}")
    elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        problems.append(f"changed: {name}")
for path in sorted(kit.rglob("*")):
    name = path.relative_to(kit).as_posix()
    if path.is_file() and name != "SHA256SUMS" and name not in listed:
        problems.append(f"not in SHA256SUMS: {name}")
for problem in problems:
    print(problem, file=sys.stderr)
print(f"{len(listed)} files checked: " + ("FAILED, do not install this kit" if problems else "all intact"))
sys.exit(1 if problems else 0)
'''


def install_text(
    version: str, targets: dict[str, str], pythons: list[str], extras: list[str], models: list[str]
) -> str:
    """INSTALL.md: one page, the exact offline commands for each system (``targets``: key -> oldest system)."""
    spec = f"polyglot-news[{','.join(extras)}]=={version}" if extras else f"polyglot-news=={version}"
    systems = "\n".join(f"- {PLATFORMS[key].title}{f', {floor}' if floor else ''}" for key, floor in targets.items())
    model_step = (
        f"The kit holds {len(models)} model package(s): {', '.join(models)}."
        if models else "The kit holds no model package: install the .argosmodel files you were given the same way."
    )
    return f"""# Installing polyglot-news {version} offline

This kit installs polyglot-news on a computer that never goes online. It was built for Python
{', '.join(pythons)}{f' with the extras {", ".join(extras)}' if extras else ''}, on:

{systems}

The computer needs that Python (python.org's installer, or the system's `python3` with its
`venv` module: on Debian and Ubuntu the `python3-venv` package); nothing else, and no network.
Run every command from this folder.

## 1. Check the kit

Whoever built the kit was given the sha256 of its `SHA256SUMS` file, apart from the kit (a
message, a printout). Compare it with what this computer computes, then let `check_kit.py`
check every file against `SHA256SUMS`: it also refuses files that were added. Do not go on if
either differs or fails.

```sh
python3 -c "import hashlib; print(hashlib.sha256(open('SHA256SUMS', 'rb').read()).hexdigest())"
python3 check_kit.py                                    # Windows: py check_kit.py
sha256sum -c --quiet SHA256SUMS                         # Linux; macOS: shasum -a 256 -c --quiet SHA256SUMS
```

(On Windows, `py` instead of `python3` in the first line too.)

## 2. Install

Linux and macOS, into `~/polyglot-news`:

```sh
python3 -m venv ~/polyglot-news
~/polyglot-news/bin/python -m pip install --no-index --find-links wheels '{spec}'
~/polyglot-news/bin/polyglot-news models install models
~/polyglot-news/bin/polyglot-news digest --format text examples/belarus_us_relations.txt
```

Windows (PowerShell), into `%USERPROFILE%\\polyglot-news`:

```powershell
py -m venv $HOME\\polyglot-news
& $HOME\\polyglot-news\\Scripts\\python.exe -m pip install --no-index --find-links wheels "{spec}"
& $HOME\\polyglot-news\\Scripts\\polyglot-news.exe models install models
& $HOME\\polyglot-news\\Scripts\\polyglot-news.exe digest --format text examples\\belarus_us_relations.txt
```

`--no-index` keeps pip off the network: it installs only what is in `wheels/`. The last command
digests the example article; with the models installed it is translated into Russian and
Belarusian where they reach. {model_step}

## 3. Use

Add `~/polyglot-news/bin` (Windows: `%USERPROFILE%\\polyglot-news\\Scripts`) to your `PATH`, or
call the command by its full path. `polyglot-news --help` lists the commands; an extra not in
this kit needs a kit built with it (`tools/build_kit.py --extras`).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kit", type=Path, help="the folder to write (must not exist, or be empty)")
    parser.add_argument("--platform", action="append", choices=[*PLATFORMS, "host"],
                        help=f"target platform, repeatable (default: {', '.join(DEFAULT_PLATFORMS)}; host: this one)")
    parser.add_argument("--python", action="append", metavar="X.Y",
                        help="target Python version, repeatable (default: this interpreter's)")
    parser.add_argument("--extras", default="", help="polyglot-news extras to include, comma-separated (eval,serve)")
    parser.add_argument("--model", action="append", type=Path, default=[],
                        help="an .argosmodel file or an installed package's folder to include, repeatable")
    parser.add_argument("--wheel", type=Path, help="a built polyglot-news wheel (default: build this checkout's)")
    parser.add_argument("--find-links", action="append", type=Path, default=[], help="also take wheels from DIR")
    parser.add_argument("--no-index", action="store_true", help="only --find-links, no package index")
    parser.add_argument("--no-build-isolation", action="store_true",
                        help="build the wheel with this environment's setuptools")
    args = parser.parse_args(argv)

    kit: Path = args.kit
    if kit.exists() and any(kit.iterdir()):
        parser.error(f"{kit} exists and is not empty")
    targets = sorted({host_platform() if p == "host" else p for p in (args.platform or DEFAULT_PLATFORMS)})
    pythons = args.python or [f"{sys.version_info.major}.{sys.version_info.minor}"]
    if any(not re.fullmatch(r"3\.\d{1,2}", p) for p in pythons):
        parser.error("--python takes versions such as 3.11")
    extras = [e.strip() for e in args.extras.split(",") if e.strip()]
    index = ["--no-index"] if args.no_index else []

    with tempfile.TemporaryDirectory(prefix="polyglot-news-kit-") as tmp:
        work = Path(tmp)
        own = args.wheel.resolve() if args.wheel else build_self(work, args.no_build_isolation)
        version = own.name.split("-")[1]
        root = f"{own}[{','.join(extras)}]" if extras else str(own)
        name = f"polyglot-news[{','.join(extras)}]" if extras else "polyglot-news"
        links = [work / "self" if not args.wheel else own.parent, *(p.resolve() for p in args.find_links)]
        links.append(pure_wheels(work, root, [*index, *(a for p in links for a in ("--find-links", str(p)))]))
        (kit / "wheels").mkdir(parents=True)
        floors: dict[str, str] = {}
        for target in targets:
            wheels = [w for python in pythons for w in download(target, python, [root], [name], links, index, work)]
            floors[target] = oldest_system(target, wheels)
            for wheel in wheels:
                if not (kit / "wheels" / wheel.name).exists():
                    shutil.copy2(wheel, kit / "wheels" / wheel.name)
    (kit / "models").mkdir()
    packed = [pack_model(source, kit / "models").name for source in args.model]
    (kit / "examples").mkdir()
    shutil.copy2(EXAMPLE, kit / "examples" / EXAMPLE.name)
    (kit / "check_kit.py").write_text(CHECK_KIT, encoding="utf-8", newline="\n")
    (kit / "INSTALL.md").write_text(install_text(version, floors, pythons, extras, packed), encoding="utf-8",
                                    newline="\n")
    summed = write_checksums(kit)
    size = sum(p.stat().st_size for p in kit.rglob("*") if p.is_file())
    print(f"kit: {kit} ({size / 1e6:.1f} MB, {len(list((kit / 'wheels').iterdir()))} wheels, {len(packed)} models)")
    print(f"sha256 of SHA256SUMS: {summed} (give it to whoever installs, apart from the kit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
