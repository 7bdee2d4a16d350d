"""``polyglot-news models …``: list, install, remove, verify, fetch and build translation packages.

A thin layer over :mod:`polyglot_news.models`. Data (tables, JSON) goes to stdout; what was
done, warnings and ``Error: …`` lines go to stderr. Exit codes are the library errors' own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from polyglot_news import models as store
from polyglot_news.cli.options import ErrorGroup, models_option
from polyglot_news.cli.tables import table
from polyglot_news.errors import ModelError, PolyglotNewsError
from polyglot_news.models.metadata import shortened

_models_option = models_option("models_dir")


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _package_dict(package: store.Package) -> dict[str, Any]:
    """``models list --json``: the store's fields plus targets, format, licence, provenance, identity."""
    info = package.info
    data = package.to_dict()
    data["targets"] = list(info.target_codes)
    data["format"] = info.format
    data["test_model"] = info.test_model
    data["license"] = info.license
    data["model"] = info.model_name
    data["identity"] = package.identity
    data["provenance"] = info.provenance
    return data


def _pair(package: store.Package) -> str:
    targets = package.info.target_codes
    return package.pair if len(targets) == 1 else f"{package.from_code}→{{{','.join(targets)}}}"


def _source(package: store.Package) -> str:
    if package.info.test_model:
        return f"TEST MODEL ({package.info.test_package or 'not a translation'})"
    return package.info.source_model or "-"




def _report_leftovers(models_dir: Path | None) -> None:
    """A warning line on stderr for what killed installs or fetches left in the store."""
    from polyglot_news.models.temporaries import describe

    folder = store.store_dir(models_dir)
    found = store.stale_temporaries(folder)
    if found:
        click.echo(describe(found, folder), err=True)


@click.group("models", cls=ErrorGroup)
def models() -> None:
    """Manage the offline translation model packages (Argos .argosmodel format).

    \b
    Examples:
      polyglot-news models install /media/usb/translate-en_ru-1_9.argosmodel
      polyglot-news models list
      polyglot-news models verify --json
      polyglot-news models build Helsinki-NLP/opus-mt-tc-big-en-zle --to be,ru --out en-zle.argosmodel
    """


@models.command("list")
@_models_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_command(models_dir: Path | None, as_json: bool) -> None:
    """List installed packages: pair, version, size, origin, format, licence, model and folder.

    A multilingual package shows all its targets (en→{be,ru}). Packages of an existing
    Argos Translate install are listed too (origin "argos"); polyglot-news uses them read-only.
    FORMAT is "argos" for a package Argos Translate runs as polyglot-news does, and
    "polyglot-news" for one only polyglot-news runs right (separate source/target tokenizers,
    a source prefix token or several targets). MODEL says TEST MODEL for the project's test
    packages: their output is not a translation.
    """
    packages, problems = store.scan_packages(models_dir)
    for problem in problems:
        click.echo(f"Warning: skipped {problem.path}: {problem.message}", err=True)
    _report_leftovers(models_dir)
    if as_json:
        click.echo(json.dumps([_package_dict(p) for p in packages], ensure_ascii=False, indent=2))
        return
    if not packages:
        click.echo(
            f"No packages in {store.store_dir(models_dir)}; add one with `{store.INSTALL_HINT}`.",
            err=True,
        )
        return
    rows = [["PAIR", "VERSION", "SIZE", "ORIGIN", "FORMAT", "LICENSE", "MODEL", "PATH"]]
    rows += [
        [
            _pair(p),
            shortened(p.version),
            _size(p.size_bytes),
            p.origin,
            p.info.format,
            shortened(p.info.license or "-"),
            shortened(_source(p)),
            str(p.path),
        ]
        for p in packages
    ]
    click.echo(table(rows))


@models.command("path")
@_models_option
def path_command(models_dir: Path | None) -> None:
    """Print the model store folder (it is created by the first install)."""
    click.echo(str(store.store_dir(models_dir)))


def _replaced(old: store.Package, new: store.Package) -> None:
    click.echo(f"Replaced {old.info.describe()} in {old.path} with {new.info.describe()}", err=True)


def installed_line(package: store.Package) -> str:
    """``Installed en→ru 1.0 (TEST MODEL …) into PATH``: what a install or fetch reports."""
    return f"Installed {package.info.describe()} into {package.path}"


@models.command("install")
@_models_option
@click.option(
    "--replace", is_flag=True,
    help="Replace an installed package even if it comes from a different model, is a real model "
    "replaced by a TEST MODEL, or has a higher version.",
)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def install_command(ctx: click.Context, models_dir: Path | None, replace: bool, sources: tuple[Path, ...]) -> None:
    """Install packages from .argosmodel files, or from folders of them (e.g. a USB stick).

    Each package is checked before anything is written and is renamed into place whole, so
    a bad file leaves the store as it was; the other files (named, or in the same folder)
    are still installed, and each bad one gets its own Error line (exit code 5). Packages
    built from different models sit side by side (see `models list`); one that would
    replace a package of another model, replace a real model by a TEST MODEL, or lower the
    version is refused unless --replace is given, and what is replaced is reported.
    """
    from polyglot_news.models.installer import PartialInstall

    failures: list[PolyglotNewsError] = []
    for source in sources:
        try:
            installed = store.install(source, models_dir, replace=replace, on_replace=_replaced)
        except PartialInstall as partial:  # the good ones of a folder went in
            installed, failures = list(partial.installed), failures + list(partial.failures)
            click.echo("".join(f"{installed_line(p)}\n" for p in installed), err=True, nl=False)
            click.echo("".join(f"Error: {e}\n" for e in partial.failures), err=True, nl=False)
            continue
        except PolyglotNewsError as error:
            failures.append(error)
            click.echo(f"Error: {error}", err=True)
            continue
        for package in installed:
            click.echo(installed_line(package), err=True)
    if failures:
        ctx.exit(failures[0].exit_code)


@models.command("remove")
@_models_option
@click.argument("package")
def remove_command(models_dir: Path | None, package: str) -> None:
    """Remove PACKAGE (a pair such as en→ru or en->ru, or a folder name) from the store.

    When several packages serve the pair, name the folder (see `models list`)."""
    removed = store.remove(package, models_dir)
    if isinstance(removed, store.Problem):
        click.echo(f"Removed the damaged package folder {removed.path}", err=True)
    else:
        click.echo(f"Removed {removed.pair} {removed.version} ({removed.path})", err=True)


@models.command("verify")
@_models_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.pass_context
def verify_command(ctx: click.Context, models_dir: Path | None, as_json: bool) -> None:
    """Check every package: structure, file checksums, and the archive against the catalog."""
    results = store.verify(models_dir)
    _report_leftovers(models_dir)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    elif results:
        rows = [["STATUS", "PAIR", "VERSION", "ORIGIN", "PATH"]]
        rows += [
            ["ok" if r.ok else "FAILED", r.pair, r.version, r.origin, str(r.path)] for r in results
        ]
        click.echo(table(rows))
    else:
        click.echo(f"No packages in {store.store_dir(models_dir)}.", err=True)
    failed = [r for r in results if not r.ok]
    for result in failed:
        for problem in result.problems:
            click.echo(f"{result.path}: {problem}", err=True)
    if failed:
        click.echo(f"Error: {len(failed)} of {len(results)} packages failed verification", err=True)
        ctx.exit(ModelError.exit_code)


def _catalog_rows() -> list[list[str]]:
    """``models fetch --list``: what can be fetched, with size, licence, provenance and release."""
    from polyglot_news.models.catalog import load_catalog, load_hub_models

    rows = [["NAME", "PAIR", "KIND", "SIZE", "LICENSE", "RELEASE", "SOURCE"]]
    for entry in load_catalog():
        if entry.get("test_only"):
            continue
        rows.append([
            str(entry.get("name")), str(entry.get("pair")), "argos package", "unknown",
            str(entry.get("license") or "unknown"), "official (Argos index)", "Argos package index",
        ])  # fmt: skip
    for entry in load_hub_models():
        size = entry.get("size_bytes")
        release = str(entry.get("release") or "unknown")
        if entry.get("converts"):
            release += f" of {entry['converts']}"
        revision = str(entry.get("revision") or "")[:12] or "unpinned"
        sub = f"/{entry['subfolder']}" if entry.get("subfolder") else ""
        rows.append([
            str(entry.get("name")),
            f"{entry.get('from_code')}→{{{','.join(entry.get('targets') or [])}}}",
            "CTranslate2 model",
            _size(size) if isinstance(size, int) else "unknown",
            str(entry.get("license") or "unknown"),
            release,
            f"{entry['repo']}{sub}@{revision}",
        ])  # fmt: skip
    return rows


def _language_argument(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A FROM/TO argument checked (and lower-cased) before anything touches disk or network."""
    from polyglot_news.languages import check_language_code

    if value is None:
        return None
    try:
        return check_language_code(value, (param.name or "code").upper())
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@models.command("fetch")
@_models_option
@click.option(
    "--index-url",
    default=store.DEFAULT_INDEX_URL,
    show_default=True,
    help="The Argos package index to download from.",
)
@click.option(
    "--to",
    "to_option",
    default=None,
    callback=_language_argument,
    help="Target language (instead of the second argument).",
)
@click.option("--list", "list_only", is_flag=True, help="Show what can be fetched (offline: reads the catalog).")
@click.option("--name", default=None, help="Fetch this catalog entry (a NAME from --list).")
@click.option("--revision", default=None, help="Commit to fetch a hub model at, when the catalog pins none.")
@click.argument("from_code", required=False, callback=_language_argument)
@click.argument("to_code", required=False, callback=_language_argument)
def fetch_command(
    models_dir: Path | None,
    index_url: str,
    to_option: str | None,
    list_only: bool,
    name: str | None,
    revision: str | None,
    from_code: str | None,
    to_code: str | None,
) -> None:
    """Download FROM→TO and install it (needs the network; `models build HUB_ID` is the other command that may).

    For a pair the catalog knows an Argos package for (en→ru, ru→en) this is the Argos index;
    otherwise a ready CTranslate2 model on the model hub (e.g. en→be), downloaded at a pinned
    commit, every file checked against its checksums, wrapped into a package: no torch needed.
    Hub models need the hub client: pip install huggingface_hub (in a checkout: pip install -e '.[fetch]').

    \b
    Examples:
      polyglot-news models fetch --list
      polyglot-news models fetch en ru
      polyglot-news models fetch en --to be --revision COMMIT

    Offline, copy the .argosmodel file to this machine and use `polyglot-news models install FILE`.
    Download progress goes to stderr: a line redrawn on a terminal, else one line every 30 s.
    """
    import sys

    if list_only:
        click.echo(table(_catalog_rows()))
        return
    target = to_option or to_code or ""
    source = from_code or ""
    if (not target or not source) and name is None:
        raise click.UsageError("name the pair (models fetch en be, or en --to be), or a --name from --list")
    if to_option and to_code:
        raise click.UsageError("give the target once: as the second argument or with --to")
    from polyglot_news.cli.downloads import DownloadReport

    with DownloadReport(sys.stderr, terminal=sys.stderr.isatty()) as report:
        packages = store.fetch(source, target, models_dir, index_url=index_url, name=name, revision=revision,
                               progress=report)  # fmt: skip
    for package in packages:
        click.echo(f"Installed {_pair(package)} {package.version} into {package.path}", err=True)


def _codes(value: str | None) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]  # normalised by build_package


@models.command("build")
@click.argument("source")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="The .argosmodel file to write, or a folder for it (default: the current folder).",
)
@click.option("--from", "from_code", default=None, help="Source language (e.g. en); read off opus-mt-XX-YY names.")
@click.option("--to", "to_codes", default=None, help="Target languages, comma-separated (e.g. be,ru).")
@click.option("--license", "license_", default=None, help="The model's licence, if its model card lacks one.")
@click.option("--revision", default=None, help="Hub revision (a commit) to download (model ids only).")
@click.option("--version", "version", default="1.0", show_default=True, help="package_version to write.")
@click.option(
    "--quantization",
    default="int8",
    show_default=True,
    type=click.Choice(["int8", "int8_float32", "int8_float16", "float16", "float32"]),
    help="CTranslate2 weight type.",
)
@click.option("--install", "install_too", is_flag=True, help="Install the package once built.")
@_models_option
def build_command(
    source: str,
    out: Path | None,
    from_code: str | None,
    to_codes: str | None,
    license_: str | None,
    revision: str | None,
    version: str,
    quantization: str,
    install_too: bool,
    models_dir: Path | None,
) -> None:
    """Build a package from an OPUS-MT (Marian) or NLLB/M2M-100 model, or wrap a CTranslate2 one.

    SOURCE is a model folder copied to this machine, or a hub model id (downloaded: this needs
    the network; with --revision COMMIT to pin it). A Hugging Face model is converted: that needs
    torch (CPU-only on Linux: pip install torch --index-url https://download.pytorch.org/whl/cpu)
    and, in a checkout, pip install -e '.[build]'. A CTranslate2 model folder (model.bin,
    shared_vocabulary.json, source.spm/target.spm or sentencepiece.bpe.model) is only wrapped:
    no torch. The package's path goes to stdout.

    \b
    Examples:
      polyglot-news models build Helsinki-NLP/opus-mt-tc-big-en-zle --to be,ru,uk --out en-zle.argosmodel
      polyglot-news models build facebook/nllb-200-distilled-600M --from en --to be,ru
      polyglot-news models build ./opus-mt-en-ru --install
      polyglot-news models build ./opus-mt-en-zle-ct2 --from en --to be,ru --license CC-BY-4.0
    """
    from polyglot_news.models.build import build_package

    result = build_package(
        source,
        out,
        from_code=_codes(from_code)[0] if _codes(from_code) else None,
        to_codes=_codes(to_codes) or None,
        license=license_,
        revision=revision,
        version=version,
        quantization=quantization,
    )
    meta = result.metadata
    for note in result.notes:
        click.echo(f"Warning: {note}", err=True)
    click.echo(
        f"Built {meta['from_code']}→{','.join(meta['targets'])} ({meta['license']}) into {result.path}",
        err=True,
    )
    click.echo(str(result.path))
    if install_too:
        for package in store.install(result.path, models_dir):
            click.echo(f"Installed {_pair(package)} {package.version} into {package.path}", err=True)
