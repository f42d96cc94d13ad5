"""Pairs from documents that Debian ships in English and French with the same structure.

Two documents, each paired element by element wherever the English and French page have the same shape
(the same sequence of block elements), which is how their translators work: one translation unit per
element, generated back into the same markup.
  * GNOME's Mallard help pages (gnome-user-docs): C/ and fr/ pages;
  * the Debian Administrator's Handbook (debian-handbook): the en-US and fr-FR HTML books.
A page whose shapes differ is skipped whole: pairing the n-th element with the n-th is only safe when
the structure matches.
"""
from __future__ import annotations

import html.parser
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import sources
from sources import RawPair

HELP_PACKAGE = "gnome-user-docs"
HANDBOOK_PACKAGE = "debian-handbook"
PACKAGES = (HELP_PACKAGE, HANDBOOK_PACKAGE)

MALLARD = "{http://projectmallard.org/1.0/}"
HELP_ELEMENTS = {f"{MALLARD}title", f"{MALLARD}p", f"{MALLARD}desc"}
HELP_PAGE = re.compile(r"/usr/share/help/(C|fr)/([^/]+/[^/]+\.page)$")
HANDBOOK_PAGE = re.compile(r"/usr/share/doc/debian-handbook/html/(en-US|fr-FR)/([^/]+\.html)$")


def pairs(deb: Path) -> list[RawPair]:
    """The pairs of one of PACKAGES' .debs."""
    package = deb.name.split("_", 1)[0]
    if package == HELP_PACKAGE:
        return _paired_pages(deb, HELP_PAGE, "C", "fr", _help_texts, package)
    if package == HANDBOOK_PACKAGE:
        return _paired_pages(deb, HANDBOOK_PAGE, "en-US", "fr-FR", _handbook_texts, package)
    raise ValueError(f"{deb.name} is not one of {PACKAGES}")


def _paired_pages(deb: Path, page_path: re.Pattern, english: str, french: str, texts, package: str) -> list[RawPair]:
    pages: dict[str, dict[str, bytes]] = {english: {}, french: {}}
    for name, data in sources.members(deb, page_path.search):
        match = page_path.search(name)
        pages[match.group(1)][match.group(2)] = data
    found: list[RawPair] = []
    for page, english_page in sorted(pages[english].items()):
        french_page = pages[french].get(page)
        if french_page is None:
            continue
        en, fr = texts(english_page), texts(french_page)
        if en is not None and fr is not None and [kind for kind, _ in en] == [kind for kind, _ in fr]:
            found.extend(RawPair(e, f, f"{package}:{page}") for (_, e), (_, f) in zip(en, fr) if e and f)
    return found


def _help_texts(data: bytes) -> list[tuple[str, str]] | None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    return [(element.tag, " ".join("".join(element.itertext()).split()))
            for element in root.iter() if element.tag in HELP_ELEMENTS]


SECTION_NUMBER = re.compile(r"^(?:[A-Z]|\d+)(?:\.\d+)*\.\s+")  # "6.2.3. System Upgrade", "B.1. …"


def _handbook_texts(data: bytes) -> list[tuple[str, str]]:
    parser = _BlockTexts()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return [(kind, SECTION_NUMBER.sub("", text) if kind[0] == "h" or kind == "title" else text) for kind, text in parser.blocks]


class _BlockTexts(html.parser.HTMLParser):
    """The text of each block of a DocBook-generated HTML page, in document order, as (tag, text).

    Blocks are paragraphs (Publican's <div class="para">, <p>), headings, terms and table cells; a nested
    block's text belongs to it alone. Index terms, code listings and scripts are not prose and are skipped.
    """

    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "title", "p", "dt", "td", "th"}
    SKIPPED = {"pre", "script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self._open: list[tuple[str, int, list[str]]] = []  # (tag, div depth, text so far)
        self._skipping: list[str] = []
        self._div_depth = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.append(tag)
            return
        if tag in self.SKIPPED or "indexterm" in classes:
            self._skipping.append(tag)
            return
        if tag in self.HEADINGS or (tag == "div" and classes == ["para"]):
            self._open.append((tag, self._div_depth, []))
        if tag == "div":
            self._div_depth += 1

    def handle_endtag(self, tag):
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        if tag == "div":
            self._div_depth -= 1
        if self._open and self._open[-1][0] == tag and (tag != "div" or self._open[-1][1] == self._div_depth):
            kind, _, text = self._open.pop()
            self.blocks.append((kind, " ".join("".join(text).split())))

    def handle_data(self, data):
        if self._open and not self._skipping:
            self._open[-1][2].append(data)
