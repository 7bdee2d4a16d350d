"""Parse an HTML page with the standard library and answer what the tests ask of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr", "area", "base", "embed", "track"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parents: tuple[str, ...] = ()


@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def ids(self) -> set[str]:
        return {e.attrs["id"] for e in self.elements if "id" in e.attrs}

    def with_class(self, name: str) -> list[Element]:
        return [e for e in self.elements if name in e.attrs.get("class", "").split()]

    def text(self) -> str:
        return " ".join(e.text for e in self.elements)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parents=tuple(e.tag for e in self.stack))
        self.page.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1].tag != tag:
            self.page.errors.append(f"</{tag}> closes {self.stack[-1].tag if self.stack else 'nothing'}")
            while self.stack and self.stack[-1].tag != tag:
                self.stack.pop()
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


def parse(document: str) -> Page:
    parser = _Parser()
    parser.feed(document)
    parser.close()
    if parser.stack:
        parser.page.errors.append("unclosed: " + ", ".join(e.tag for e in parser.stack))
    return parser.page


def active_content(page: Page) -> list[str]:
    """Anything that could run: script elements, event-handler attributes, javascript: URLs."""
    found = [f"<{e.tag}>" for e in page.elements if e.tag in ("script", "iframe", "object", "embed")]
    for e in page.elements:
        for name, value in e.attrs.items():
            if name.startswith("on"):
                found.append(f"<{e.tag} {name}>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                found.append(f"<{e.tag} {name}={value}>")
    return found
