"""A digest as one self-contained HTML page: source and translations side by side.

Everything that comes from the article (headline, sentences, reference titles, marker text,
model names) is untrusted: it is escaped with :func:`html.escape` and only ever lands in
text or quoted attribute values, never in a URL, a tag name or a script. The page carries
its own CSS (screen and print), no scripts, and no external resources, so it reads the same
from ``file://`` with no network.

Layout: a table per part (headline and summary, full text, references) with one column per
language (``lang`` set on every cell), sentences aligned by their index in the body. Each
citation marker is a superscript link to its entry in the reference table of its column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape

from polyglot_news.document import Digest, Place, Sentence, Translation
from polyglot_news.version import __version__

LEGEND: dict[str, str] = {
    "empty": "nothing came back for a non-empty sentence",
    "garbage": "control characters, broken bytes or unknown-token marks the source does not have",
    "repetition": "the output loops (repeats more than the source)",
    "length-ratio": "far longer or shorter than the source",
    "script": "mostly not in the target language's script",
    "truncated": "the output filled its length limit, or the input passed its own",
    "language:*": "the detector says the sentence is in another language (named after the colon)",
    "glossary-miss": "a glossary term of the source is missing from the translation",
}
"""Every flag the page can show, with what it means (the legend)."""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The page's own policy: no script runs and nothing loads, even if escaping ever failed."""

CSS = """
:root{--fg:#1b1b1b;--muted:#5a5a5a;--line:#d0d0d0;--flag:#9a3412;--flagbg:#fff3e0;--test:#8b0000}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);
margin:0 auto;max-width:120rem;padding:1rem 1.5rem}
h1{font-size:1.6rem;line-height:1.25;margin:.2rem 0 .4rem}
h2{font-size:1.15rem;margin:1.6rem 0 .4rem;border-bottom:1px solid var(--line)}
.meta{color:var(--muted);margin:0 0 .8rem}
.test-warning{border:2px solid var(--test);color:var(--test);padding:.4rem .7rem;font-weight:600}
.test-badge{color:var(--test);font-weight:600}
table.view{border-collapse:collapse;width:100%;table-layout:fixed}
table.view th,table.view td{border:1px solid var(--line);padding:.45rem .6rem;vertical-align:top;text-align:left}
table.view th{background:#f4f4f4;font-weight:600}
table.view th.row{width:3.2rem;color:var(--muted);font-weight:400;text-align:right}
tr.headline td{font-weight:600}
sup.cite a{text-decoration:none}
sup.cite a:hover,sup.cite a:focus{text-decoration:underline}
td:target{background:#fff8c4}
.flag{display:inline-block;font-size:.78rem;color:var(--flag);background:var(--flagbg);border:1px solid var(--flag);
border-radius:.25rem;padding:0 .3rem;margin:.1rem .2rem 0 0;white-space:nowrap}
td.flagged{background:var(--flagbg)}
.flags{display:block}
td.error{color:var(--test);font-style:italic}
dl.legend{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.9rem}
dl.legend dt{font-family:ui-monospace,monospace}
dl.legend dd{margin:0}
footer{margin-top:2rem;border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
footer code{word-break:break-all}
@media print{
body{max-width:none;padding:0;font-size:10.5pt}
table.view{page-break-inside:auto}
tr{page-break-inside:avoid}
sup.cite a{color:inherit}
td:target{background:none}
.flag{border-color:#000;color:#000;background:none}
td.flagged{background:none}
footer{page-break-before:avoid}
}
""".strip()


TEST_BADGE = ' <strong class="test-badge">TEST MODEL — not a translation</strong>'


def digest_html(result: Digest, *, licences: Mapping[str, str | None] | None = None, notes: bool = False) -> str:
    """The digest as a complete HTML document (UTF-8 text).

    Each model is shown with the licence its package states (``ModelUsed.license``); for a
    model without one, ``licences`` (model name → licence) may name it, else the page says
    "licence not recorded". With ``notes``, the digest's notes are a list under the heading.
    """
    done = [lang for lang, entry in result.translations.items() if entry.error is None]
    # a target the article is already in has no column: the page says so once
    langs = [lang for lang in done if result.translations[lang].models]
    already = [lang for lang in done if not result.translations[lang].models]
    failed = {lang: entry.error for lang, entry in result.translations.items() if entry.error is not None}
    source = result.source.language
    title = result.headline or "Digest"
    out: list[str] = [
        "<!DOCTYPE html>",
        f'<html lang="{_attr(source)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="polyglot-news {_attr(__version__)}">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<main class="digest">',
        "<header>",
        f'<h1 lang="{_attr(source)}">{escape(title)}</h1>' if result.headline else "<h1>Digest</h1>",
        f'<p class="meta">Source language: <b>{escape(source)}</b> '
        f"(confidence {result.source.confidence:.2f}, {escape(result.source.reason)})"
        + (f" · translations: {escape(', '.join(langs))}" if langs else "")
        + "</p>",
    ]
    out += [f'<p class="meta already">The article is already in <b>{escape(lang)}</b>: no translation needed.</p>'
            for lang in already]
    if any(result.translations[lang].test_model for lang in langs):
        out.append(
            '<p class="test-warning" role="alert">TEST MODEL: at least one column comes from a test model. '
            "It is not a translation and must not be published.</p>"
        )
    if notes and result.notes:
        out += ['<ul class="meta notes" aria-label="Notes">', *(f"<li>{escape(n)}</li>" for n in result.notes), "</ul>"]
    out.append("</header>")
    out += _summary_table(result, langs, failed)
    out += _full_table(result, langs)
    out += _references_table(result, langs)
    out += _legend(result, langs)
    out += _footer(result, langs, licences or {})
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def anchor(lang: str | None, ref_id: str) -> str:
    """The element id of a reference entry: ``ref-3`` (source) or ``ref-be-3`` (a translation)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", lambda m: f"_{ord(m.group()):x}_", ref_id)
    return f"ref-{safe}" if lang is None else f"ref-{_safe(lang)}-{safe}"


def _summary_table(result: Digest, langs: list[str], failed: Mapping[str, str]) -> list[str]:
    source = result.source.language
    columns = [(None, source)] + [(lang, lang) for lang in langs]
    out = ['<h2 id="summary">Summary</h2>', '<table class="view summary">', _head(columns, failed)]
    if result.headline is not None:
        cells = [f'<td lang="{_attr(source)}">{escape(result.headline)}</td>']
        for lang in langs:
            entry = result.translations[lang]
            flags = _flags_at(entry, "headline", None)
            text = entry.headline if entry.headline is not None else ""
            cells.append(_cell(lang, escape(text), flags, missing=entry.headline is None))
        cells += ['<td class="error">—</td>' for _ in failed]
        out.append(f'<tr class="headline"><th class="row" scope="row">H</th>{"".join(cells)}</tr>')
    refs = {r.id for r in result.references}
    for number, sentence in enumerate(result.summary, start=1):
        cells = [f'<td lang="{_attr(source)}">{_sentence(sentence, None, refs)}</td>']
        for lang in langs:
            entry = result.translations[lang]
            cells.append(_translated(entry, lang, "summary", sentence.index, entry.summary, refs))
        cells += ['<td class="error">—</td>' for _ in failed]
        out.append(
            f'<tr data-index="{sentence.index}"><th class="row" scope="row">{number}</th>{"".join(cells)}</tr>'
        )
    out.append("</table>")
    return out


def _full_table(result: Digest, langs: list[str]) -> list[str]:
    full = [lang for lang in langs if result.translations[lang].full is not None]
    if not full:
        return []
    refs = {r.id for r in result.references}
    indexes = sorted({s.index for lang in full for s in result.translations[lang].full or ()})
    out = ['<h2 id="full">Full text</h2>', '<table class="view full">', _head([(lang, lang) for lang in full], {})]
    for index in indexes:
        cells = [
            _translated(result.translations[lang], lang, "full", index, result.translations[lang].full, refs)
            for lang in full
        ]
        out.append(f'<tr data-index="{index}"><th class="row" scope="row">{index + 1}</th>{"".join(cells)}</tr>')
    out.append("</table>")
    return out


def _references_table(result: Digest, langs: list[str]) -> list[str]:
    if not result.references:
        return []
    source = result.source.language
    columns = [(None, source)] + [(lang, lang) for lang in langs if result.translations[lang].references is not None]
    out = ['<h2 id="references">References</h2>', '<table class="view references">', _head(columns, {})]
    for ref in result.references:
        cells = [f'<td id="{anchor(None, ref.id)}" lang="{_attr(source)}">{escape(ref.title)}</td>']
        for lang, _ in columns[1:]:
            assert lang is not None
            entry = result.translations[lang]
            title = {r.id: r.title for r in entry.references or ()}.get(ref.id)
            flags = _flags_at(entry, "references", ref.id)
            cell = _cell(lang, escape(title or ""), flags, missing=title is None)
            cells.append(cell.replace("<td ", f'<td id="{anchor(lang, ref.id)}" ', 1))
        out.append(f'<tr><th class="row" scope="row">{escape(ref.id)}</th>{"".join(cells)}</tr>')
    out.append("</table>")
    return out


def _legend(result: Digest, langs: list[str]) -> list[str]:
    shown = sorted(
        {
            _legend_key(flag)
            for lang in langs
            for flags in _all_flags(result.translations[lang]).values()
            for flag in flags
        }
    )
    if not shown:
        return []
    out = ['<h2 id="legend">Flags</h2>', '<dl class="legend">']
    out += [f"<dt>{escape(key)}</dt><dd>{escape(LEGEND.get(key, 'see the documentation'))}</dd>" for key in shown]
    out.append("</dl>")
    return out


def _footer(result: Digest, langs: list[str], licences: Mapping[str, str | None]) -> list[str]:
    out = ["<footer>", "<h2>Models</h2>"]
    if langs:
        out.append('<ul class="models">')
        for lang in langs:
            entry = result.translations[lang]
            for model in entry.models:
                licence = model.license or licences.get(model.name) or "licence not recorded"
                warning = TEST_BADGE if model.test_model else ""
                identity = f", <code>{escape(model.identity)}</code>" if model.identity else ""
                out.append(
                    f"<li>[{escape(lang)}] {escape(model.name)} — {escape(model.pair)}, version "
                    f"{escape(model.version)}, {escape(licence)} ({escape(model.origin)}{identity}){warning}</li>"
                )
        out.append("</ul>")
    else:
        out.append("<p>No translation.</p>")
    for lang, entry in result.translations.items():
        if entry.error is not None:
            out.append(f'<p class="error">[{escape(lang)}] not translated: {escape(entry.error)}</p>')
    out.append(f'<p>Signature: <code class="signature">{escape(result.signature)}</code></p>')
    out.append(f"<p>Made by polyglot-news {escape(__version__)}, offline.</p>")
    out.append("</footer>")
    return out


def _head(columns: Iterable[tuple[str | None, str]], failed: Mapping[str, str]) -> str:
    cells = ['<th class="row" scope="col">#</th>']
    for lang, code in columns:
        label = f"Source ({code})" if lang is None else code
        cells.append(f'<th scope="col" lang="{_attr(code)}" data-lang="{_attr(code)}">{escape(label)}</th>')
    cells += [f'<th scope="col" class="error" title="{_attr(error)}">{escape(lang)}: not translated</th>'
              for lang, error in failed.items()]
    return f"<thead><tr>{''.join(cells)}</tr></thead>"


def _translated(
    entry: Translation, lang: str, part: str, index: int, sentences: tuple[Sentence, ...] | None, refs: set[str]
) -> str:
    found = next((s for s in sentences or () if s.index == index), None)
    links = {r.id for r in entry.references} if entry.references is not None else refs
    body = _sentence(found, lang if entry.references is not None else None, links) if found is not None else ""
    return _cell(lang, body, _flags_at(entry, part, index), missing=found is None)


def _cell(lang: str, body: str, flags: tuple[str, ...], *, missing: bool = False) -> str:
    classes = (["flagged"] if flags else []) + (["missing"] if missing else [])
    cls = f' class="{" ".join(classes)}"' if classes else ""
    badges = "".join(
        f'<span class="flag" data-flag="{_attr(flag)}" title="{_attr(LEGEND.get(_legend_key(flag), ""))}">'
        f"⚑ {escape(flag)}</span>"
        for flag in flags
    )
    flagged = f'<span class="flags">{badges}</span>' if badges else ""
    return f'<td lang="{_attr(lang)}"{cls}><span class="text">{body}</span>{flagged}</td>'


def _sentence(sentence: Sentence, lang: str | None, refs: set[str]) -> str:
    """The sentence's text, escaped, each marker a superscript link to its first known reference."""
    out: list[str] = []
    cursor = 0
    for marker in sentence.markers:
        out.append(escape(sentence.plain[cursor : marker.offset]))
        out.append(escape(marker.lead))
        target = next((ref for ref in marker.refs if ref in refs), None)
        text = escape(marker.text)
        if target is None:
            out.append(f'<sup class="cite">{text}</sup>')
        else:
            names = _attr("references " + ", ".join(marker.refs))
            out.append(f'<sup class="cite"><a href="#{anchor(lang, target)}" title="{names}">{text}</a></sup>')
        cursor = marker.offset
    out.append(escape(sentence.plain[cursor:]))
    return "".join(out)


def _all_flags(entry: Translation) -> dict[tuple[str, int | str | None], tuple[str, ...]]:
    """Every flag of a translation keyed by place, glossary misses included as ``glossary-miss``."""
    found: dict[tuple[str, int | str | None], tuple[str, ...]] = {}
    for place, flags in entry.flags:
        found[_key(place)] = found.get(_key(place), ()) + tuple(flags)
    for place, hits in entry.glossary or ():
        misses = tuple(f"glossary-miss: {hit.term}" for hit in hits if hit.status == "miss")
        if misses:
            found[_key(place)] = found.get(_key(place), ()) + misses
    return found


def _flags_at(entry: Translation, part: str, where: int | str | None) -> tuple[str, ...]:
    flags = _all_flags(entry)
    if part == "headline":
        return tuple(f for (p, _), fs in flags.items() if p == "headline" for f in fs)
    return flags.get((part, where), ())


def _key(place: Place) -> tuple[str, int | str | None]:
    return (place.part, place.ref_id if place.ref_id is not None else place.index)


def _legend_key(flag: str) -> str:
    if flag.startswith("language:"):
        return "language:*"
    if flag.startswith("glossary-miss"):
        return "glossary-miss"
    return flag


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _safe(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", code)

