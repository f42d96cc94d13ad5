"""Raw English->French pairs from Debian's archive, the only bilingual text reachable from this project.

Two kinds of source here, each yielding RawPair(source, target, origin):
  * translation catalogs inside Debian packages, msgid -> French msgstr: compiled gettext (.mo), plain
    gettext (.po, as some games ship them) and Qt (.qm, converted to .po by Qt's lconvert);
  * the Debian Description Translation Project: apt's Translation-en / Translation-fr indexes,
    paired by Description-md5.
Documents paired by structure (GNOME help, the Debian Administrator's Handbook) are in documents.py.

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
from pathlib import Path

import polib

import clean

MO_PATH = re.compile(r"/fr/LC_MESSAGES/[^/]+\.mo$")
PO_PATH = re.compile(r"(?:/|\.)fr\.po$")  # fr.po, data.fr.po; not fr_CA.po
QM_PATH = re.compile(r"_fr\.qm$")
LICENSE_LINE = re.compile(r"^License:\s*(\S.*)$", re.MULTILINE)
# Games whose catalogs hold their dialogue, stories and mission briefings, in packages too large for the
# size cap (their artwork dominates the .deb).
STORY_GAME_PACKAGES = ("freedroidrpg-data", "adonthell-data", "freedink-data", "cataclysm-dda-data", "ufoai-misc",
                       "widelands-data", "warzone2100-data", "7kaa-data", "lordsawar-data", "tuxpaint-data")
# Rich catalogs in packages too large for the default size cap, measured by pairs per megabyte.
LARGE_RICH_PACKAGES = ("blender-data", "inkscape", "gimp-data", "digikam-data", "freeciv-data",
                       "git") + STORY_GAME_PACKAGES
# Games whose French catalogs are plain .po or Qt .qm files, which apt-file's .mo listing does not find.
PO_QM_PACKAGES = ("flare-game", "supertux-data", "supertuxkart-data", "gcompris-qt-data")
# Dialogue and narrative: game scripts, stories and the handbook's prose. Their held-out pairs form the
# dialogue test slice, apart from the software one.
NARRATIVE_PACKAGES = STORY_GAME_PACKAGES + PO_QM_PACKAGES + ("debian-handbook",)
NARRATIVE_PACKAGE_PREFIX = "wesnoth-"  # Wesnoth's core and campaigns, one package per campaign


def is_narrative(package: str) -> bool:
    return package in NARRATIVE_PACKAGES or package.startswith(NARRATIVE_PACKAGE_PREFIX)


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
    """Packages whose French .mo catalogs apt-file knows, smaller than max_deb_bytes, plus the large rich
    ones and the games that ship .po or .qm catalogs."""
    subprocess.run(["apt-file", "update"], check=True, stdout=subprocess.DEVNULL)
    listing = subprocess.run(["apt-file", "search", "-x", MO_PATH.pattern],
                             check=True, capture_output=True, text=True).stdout
    names = sorted({line.split(":", 1)[0] for line in listing.splitlines() if ":" in line})
    sizes = _deb_sizes(names)
    chosen = [n for n in names if sizes.get(n, max_deb_bytes) < max_deb_bytes]
    rich = {n for n in sizes if n in LARGE_RICH_PACKAGES or n.startswith(NARRATIVE_PACKAGE_PREFIX)}
    return sorted(set(chosen) | rich | set(PO_QM_PACKAGES))


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
    """All msgid -> French msgstr pairs of one package's French catalogs, and the package's licences."""
    name, version = deb.name.split("_")[:2]
    pairs: list[RawPair] = []
    catalogs = 0
    for member_name, data in members(deb, lambda n: MO_PATH.search(n) or PO_PATH.search(n) or QM_PATH.search(n)):
        catalogs += 1
        origin = f"{name}:{os.path.basename(member_name)}"
        if MO_PATH.search(member_name):
            pairs.extend(_catalog_pairs(data, ".mo", polib.mofile, origin))
        elif PO_PATH.search(member_name):
            pairs.extend(_catalog_pairs(data, ".po", polib.pofile, origin))
        else:
            pairs.extend(_catalog_pairs(_qm_to_po(data), ".po", polib.pofile, origin))
    return package_info(deb, catalogs), pairs


def members(deb: Path, wanted) -> list[tuple[str, bytes]]:
    """(path, bytes) of the regular files in a .deb whose path satisfies wanted."""
    tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        return [(m.name, tar.extractfile(m).read()) for m in tar if m.isfile() and wanted(m.name)]


def package_info(deb: Path, catalogs: int) -> PackageInfo:
    """Name, version and the licences its Debian copyright file declares."""
    name, version = deb.name.split("_")[:2]
    licences: set[str] = set()
    for _, data in members(deb, lambda n: n.endswith("/copyright") and "/usr/share/doc/" in n):
        licences.update(m.strip() for m in LICENSE_LINE.findall(data.decode("utf-8", "replace")))
    return PackageInfo(name, version.replace("%3a", ":"), tuple(sorted(licences)) or ("see copyright",), catalogs)


def _qm_to_po(data: bytes) -> bytes:
    # Qt's own converter reads the binary .qm format (source texts included) and writes gettext.
    with tempfile.TemporaryDirectory() as tmp:
        qm, po = Path(tmp) / "catalog.qm", Path(tmp) / "catalog.po"
        qm.write_bytes(data)
        subprocess.run(["lconvert", "-i", str(qm), "-o", str(po)], check=True, capture_output=True,
                       env={**os.environ, "QT_SELECT": "qt5"})
        return po.read_bytes()


def _catalog_pairs(data: bytes, suffix: str, reader, origin: str) -> list[RawPair]:
    # polib reads catalogs from a path only.
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        try:
            catalog = reader(handle.name)
        except (OSError, ValueError, UnicodeDecodeError):
            return []
    pairs = []
    for entry in catalog:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
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
