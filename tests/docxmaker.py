"""Small Word ``.docx`` files written from Python: paragraphs, a title, footnotes and endnotes.

The zip is deterministic (fixed timestamps, sorted members), so the same call gives the same
bytes. ``python -m tests.docxmaker`` rewrites ``examples/letter.docx``, the shipped example.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "letter.docx"

Run = str | tuple[str, int]
"""A run of text, or ``("footnote" | "endnote", id)`` for a note reference."""


def _runs(runs: Sequence[Run | tuple[str, str]]) -> str:
    out = []
    for run in runs:
        if isinstance(run, tuple) and run[0] in ("footnote", "endnote"):
            kind, ident = run
            out.append(
                f'<w:r><w:rPr><w:rStyle w:val="{kind.capitalize()}Reference"/><w:vertAlign w:val="superscript"/>'
                f'</w:rPr><w:{kind}Reference w:id="{ident}"/></w:r>'
            )
        else:
            out.append(f'<w:r><w:t xml:space="preserve">{escape(str(run))}</w:t></w:r>')
    return "".join(out)


def _paragraph(runs: Sequence[Run | tuple[str, str]], style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{_runs(runs)}</w:p>"


def _notes(kind: str, notes: Sequence[str]) -> str:
    body = "".join(
        f'<w:{kind} w:id="{i}">{_paragraph([text])}</w:{kind}>' for i, text in enumerate(notes, start=1)
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s xmlns:w="{W}">{body}</w:{kind}s>'


STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
    "</w:styles>"
)


def build_docx(
    paragraphs: Sequence[Sequence[Run | tuple[str, str]]], *, title: str | None = None,
    footnotes: Sequence[str] = (), endnotes: Sequence[str] = (), extra: dict[str, bytes] | None = None,
) -> bytes:
    """A ``.docx``: an optional Title paragraph, then the paragraphs (runs and note references)."""
    body = ([_paragraph([title], "Title")] if title else []) + [_paragraph(p) for p in paragraphs]
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}">'
        f"<w:body>{''.join(body)}</w:body></w:document>"
    )
    rels = [("rId1", "styles", "styles.xml")]
    parts = {"word/document.xml": document, "word/styles.xml": STYLES}
    if footnotes:
        parts["word/footnotes.xml"] = _notes("footnote", footnotes)
        rels.append(("rId2", "footnotes", "footnotes.xml"))
    if endnotes:
        parts["word/endnotes.xml"] = _notes("endnote", endnotes)
        rels.append(("rId3", "endnotes", "endnotes.xml"))
    parts["word/_rels/document.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PACKAGE_REL}">'
        + "".join(f'<Relationship Id="{i}" Type="{REL}/{t}" Target="{target}"/>' for i, t, target in rels)
        + "</Relationships>"
    )
    parts["_rels/.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
        f'{kind}+xml"/>'
        for name, kind in (
            ("word/document.xml", "document.main"), ("word/styles.xml", "styles"),
            ("word/footnotes.xml", "footnotes"), ("word/endnotes.xml", "endnotes"),
        )
        if name in parts
    )
    parts["[Content_Types].xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, parts[name].encode("utf-8"))
        for name, data in sorted((extra or {}).items()):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def letter() -> bytes:
    """``examples/letter.docx``: a correspondent's report with two footnotes and an endnote."""
    return build_docx(
        [
            [("Minsk, 12 June 2026. The city's fourth metro line opened on Friday with six stations, two years "
             "later than first planned."), ("footnote", 1),
             " The mayor said the remaining five stations would follow in 2028."],
            [("Construction was delayed by flooding near the river, which forced engineers to freeze the ground "
             "around two stations [4]. The extra work cost about 40 million roubles."), ("footnote", 2)],
            ["Passengers from the western districts will save up to forty minutes a day.", ("endnote", 1),
             " Shop owners near the new stations expect more customers in the evenings."],
            ["References: [4] Ministry of Emergency Situations, statement on the flooding, 2024."],
        ],
        title="The fourth metro line opens in Minsk",
        footnotes=["Minsk Metro press release, 12 June 2026.", "City executive committee, budget report for 2025."],
        endnotes=["Estimate by the city transport department."],
    )


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE
    target.write_bytes(letter())
    print(target)
