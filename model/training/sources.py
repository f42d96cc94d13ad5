"""Raw English->French pairs from Debian's archive, the only bilingual text reachable from this project.

Three kinds of source, each yielding RawPair(source, target, origin):
  * gettext catalogs (.mo) inside Debian packages: msgid -> French msgstr;
  * the Debian Description Translation Project: apt's Translation-en / Translation-fr indexes,
    paired by Description-md5;
  * GNOME's Mallard help pages (gnome-user-docs): the C and fr pages, paired element by element.

Everything is fetched with apt's own clients into a private cache, so the build never touches the
machine's apt configuration.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import io
import os
import re
import subprocess
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import polib

import clean

MO_PATH = re.compile(r"/fr/LC_MESSAGES/[^/]+\.mo$")
LICENSE_LINE = re.compile(r"^License:\s*(\S.*)$", re.MULTILINE)
# Rich catalogs in packages too large for the default size cap, measured by pairs per megabyte.
LARGE_RICH_PACKAGES = ("blender-data", "inkscape", "gimp-data", "digikam-data", "freeciv-data", "git")
# Wesnoth's campaigns: the corpus's only natural dialogue, one package per campaign.
DIALOGUE_PACKAGE_PREFIX = "wesnoth-"
HELP_PACKAGE = "gnome-user-docs"


@dataclasses.dataclass(frozen=True)
class RawPair:
    source: str
    target: str
    origin: str


@dataclasses.dataclass(frozen=True)
class PackageInfo:
    name: str
    version: str
    licences: tuple[str, ...]
    catalogs: int


def log(message: str) -> None:
    print(message, flush=True)


def packages_with_french_catalogs(max_deb_bytes: int) -> list[str]:
    """Packages whose French .mo catalogs apt-file knows, smaller than max_deb_bytes, plus the large rich ones."""
    subprocess.run(["apt-file", "update"], check=True, stdout=subprocess.DEVNULL)
    listing = subprocess.run(["apt-file", "search", "-x", MO_PATH.pattern],
                             check=True, capture_output=True, text=True).stdout
    names = sorted({line.split(":", 1)[0] for line in listing.splitlines() if ":" in line})
    sizes = _deb_sizes(names)
    chosen = [n for n in names if sizes.get(n, max_deb_bytes) < max_deb_bytes]
    rich = {n for n in sizes if n in LARGE_RICH_PACKAGES or n.startswith(DIALOGUE_PACKAGE_PREFIX)}
    return sorted(set(chosen) | rich)


def _deb_sizes(names: list[str]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for start in range(0, len(names), 500):
        out = subprocess.run(["apt-cache", "show", *names[start:start + 500]],
                             capture_output=True, text=True).stdout
        package = None
        for line in out.splitlines():
            if line.startswith("Package: "):
                package = line.split(": ", 1)[1]
            elif line.startswith("Size: ") and package and package not in sizes:
                sizes[package] = int(line.split(": ", 1)[1])
    return sizes


def download(packages: list[str], dest: Path, workers: int = 6) -> list[Path]:
    """apt-get download each package (already present .debs are kept), showing progress."""
    dest.mkdir(parents=True, exist_ok=True)
    have = {p.name.split("_", 1)[0] for p in dest.glob("*.deb")}
    missing = [p for p in packages if p not in have]
    batches = [missing[i:i + 25] for i in range(0, len(missing), 25)]
    done = 0

    def fetch(batch: list[str]) -> int:
        subprocess.run(["apt-get", "download", "-q", *batch], cwd=dest,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return len(batch)

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for n in pool.map(fetch, batches):
            done += n
            log(f"  downloaded {done}/{len(missing)} packages")
    wanted = set(packages)
    return sorted(p for p in dest.glob("*.deb") if p.name.split("_", 1)[0] in wanted)


def catalog_pairs(deb: Path) -> tuple[PackageInfo, list[RawPair]]:
    """All msgid -> French msgstr pairs of one package's .mo files, and the package's licences."""
    name, version = deb.name.split("_")[:2]
    pairs: list[RawPair] = []
    licences: set[str] = set()
    catalogs = 0
    tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True,
                               capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        for member in tar:
            if not member.isfile():
                continue
            if MO_PATH.search(member.name):
                catalogs += 1
                data = tar.extractfile(member).read()
                pairs.extend(_mo_pairs(data, f"{name}:{os.path.basename(member.name)}"))
            elif member.name.endswith("/copyright") and "/usr/share/doc/" in member.name:
                text = tar.extractfile(member).read().decode("utf-8", "replace")
                licences.update(m.strip() for m in LICENSE_LINE.findall(text))
    return PackageInfo(name, version.replace("%3a", ":"), tuple(sorted(licences)) or ("see copyright",),
                       catalogs), pairs


def _mo_pairs(data: bytes, origin: str) -> list[RawPair]:
    # polib reads .mo catalogs from a path only.
    with tempfile.NamedTemporaryFile(suffix=".mo") as handle:
        handle.write(data)
        handle.flush()
        try:
            catalog = polib.mofile(handle.name)
        except (OSError, ValueError, UnicodeDecodeError):
            return []
    pairs = []
    for entry in catalog:
        if not entry.msgid:
            continue
        if entry.msgid_plural:
            target = entry.msgstr_plural.get(0, "") if entry.msgstr_plural else ""
        else:
            target = entry.msgstr
        if target:
            pairs.append(RawPair(entry.msgid, target, origin))
    return pairs


def ddtp_pairs(workdir: Path) -> list[RawPair]:
    """English and French package descriptions, fetched with a private apt configuration."""
    english = _read_translations(_fetch_translation_index(workdir, "en"), "Description-en")
    french = _read_translations(_fetch_translation_index(workdir, "fr"), "Description-fr")
    pairs: list[RawPair] = []
    for md5, fr in french.items():
        en = english.get(md5)
        if en:
            pairs.extend(_description_pairs(en, fr, f"ddtp:{md5}"))
    return pairs


def _fetch_translation_index(workdir: Path, language: str) -> str:
    # One lists dir per language: apt forgets, on update, any index its configuration no longer names.
    lists = (workdir / f"apt-lists-{language}").resolve()
    (lists / "partial").mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "update", "-q", "-o", f"Dir::State::Lists={lists}",
                    "-o", f"Acquire::Languages={language}",
                    "-o", "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"],
                   check=True, stdout=subprocess.DEVNULL)
    paths = sorted(lists.glob(f"*_main_i18n_Translation-{language}*"))
    if not paths:
        raise RuntimeError(f"apt fetched no Translation-{language} index into {lists}")
    # apt-helper reads every compression apt may have kept (lz4, xz, gz...).
    return "".join(subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", str(p)], check=True,
                                  capture_output=True, text=True).stdout for p in paths)


def _read_translations(text: str, field: str) -> dict[str, str]:
    descriptions: dict[str, str] = {}
    for stanza in text.split("\n\n"):
        md5 = re.search(r"^Description-md5: (\S+)", stanza, re.MULTILINE)
        body = re.search(rf"^{field}: (.*(?:\n .*)*)", stanza, re.MULTILINE)
        if md5 and body:
            descriptions[md5.group(1)] = body.group(1)
    return descriptions


def _description_pairs(en: str, fr: str, origin: str) -> list[RawPair]:
    """Synopsis with synopsis, then paragraph with paragraph, only where the paragraph counts agree."""
    en_lines, fr_lines = en.split("\n"), fr.split("\n")
    pairs = [RawPair(en_lines[0], fr_lines[0], origin)]
    en_paragraphs, fr_paragraphs = _paragraphs(en_lines[1:]), _paragraphs(fr_lines[1:])
    if len(en_paragraphs) == len(fr_paragraphs):
        for e, f in zip(en_paragraphs, fr_paragraphs):
            pairs.extend(RawPair(a, b, origin) for a, b in clean.sentence_pairs(e, f))
    return pairs


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs, current = [], []
    for line in lines:
        body = line[1:] if line.startswith(" ") else line
        if body.strip() == ".":
            if current:
                paragraphs.append(" ".join(current))
            current = []
        elif body.startswith(" "):
            # Verbatim lines (lists, code) are not prose; the paragraph holding them is dropped.
            current.append("\0")
        else:
            current.append(body.strip())
    if current:
        paragraphs.append(" ".join(current))
    return [p for p in paragraphs if "\0" not in p]


MALLARD = "{http://projectmallard.org/1.0/}"
HELP_ELEMENTS = {f"{MALLARD}title", f"{MALLARD}p", f"{MALLARD}desc"}


def help_pairs(deb: Path) -> list[RawPair]:
    """Mallard pages in C/ and fr/, paired element by element where both pages have the same shape."""
    tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True,
                               capture_output=True).stdout
    pages: dict[str, dict[str, bytes]] = {"C": {}, "fr": {}}
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        for member in tar:
            match = re.search(r"/usr/share/help/(C|fr)/([^/]+/[^/]+\.page)$", member.name)
            if match and member.isfile():
                pages[match.group(1)][match.group(2)] = tar.extractfile(member).read()
    pairs: list[RawPair] = []
    for page, english in pages["C"].items():
        french = pages["fr"].get(page)
        if french is None:
            continue
        en_texts, fr_texts = _help_texts(english), _help_texts(french)
        if en_texts is not None and fr_texts is not None and len(en_texts) == len(fr_texts):
            pairs.extend(RawPair(e, f, f"{HELP_PACKAGE}:{page}") for e, f in zip(en_texts, fr_texts))
    return pairs


def _help_texts(data: bytes) -> list[str] | None:
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    texts = []
    for element in root.iter():
        if element.tag in HELP_ELEMENTS:
            text = " ".join("".join(element.itertext()).split())
            texts.append(text)
    return texts
