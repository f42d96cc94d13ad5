"""Build the English->French corpus: fetch, extract, clean, deduplicate, split.

    /usr/bin/python3 build_corpus.py --work work --out ../artifacts/en-fr

Writes work/corpus/{train,dev,test}.tsv (source<TAB>target<TAB>domain, domain "software" or "dialogue")
and, for the record, corpus.json (counts and content hash) and sources.tsv (every package, its version,
licences and pair count) under --out.

The test slices that models are compared on are fixed files, testsets/software.tsv and
testsets/dialogue.tsv: written by the first build that lacks them, afterwards only checked against the
build (no fixed test source may reach train or dev).
"""
from __future__ import annotations

import argparse
import collections
import concurrent.futures
import hashlib
import json
import re
from pathlib import Path

import clean
import documents
import sources

SPLIT_BUCKETS = 10_000
TEST_BUCKETS = 120   # 1.2% of distinct sources
DEV_BUCKETS = 80     # 0.8%
MAX_TARGETS_PER_SOURCE = 4  # UI strings repeat across hundreds of packages; keep the most frequent renderings
MIN_TEST, MIN_DEV = 2_000, 1_000
SOFTWARE, DIALOGUE = "software", "dialogue"


def split_key(source: str) -> str:
    """The normalised source that decides the split: case, spacing and end punctuation do not matter."""
    return re.sub(r"[\s.!?:;…]+$", "", " ".join(source.casefold().split()))


def split_of(source: str) -> str:
    bucket = int.from_bytes(hashlib.sha256(split_key(source).encode()).digest()[:8], "big") % SPLIT_BUCKETS
    if bucket < TEST_BUCKETS:
        return "test"
    if bucket < TEST_BUCKETS + DEV_BUCKETS:
        return "dev"
    return "train"


def select(pairs_with_origin: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Unique pairs, at most MAX_TARGETS_PER_SOURCE renderings per source, in a deterministic order.

    A pair's origin is the first package it came from, or the first narrative one if any: a line of
    dialogue that a software catalog happens to share is still dialogue.
    """
    counts = collections.Counter((s, t) for s, t, _ in pairs_with_origin)
    origin = {}
    for s, t, o in pairs_with_origin:
        package = o.split(":", 1)[0]
        if (s, t) not in origin or (sources.is_narrative(package) and not sources.is_narrative(origin[(s, t)])):
            origin[(s, t)] = package
    by_source = collections.defaultdict(list)
    for (s, t), n in counts.items():
        by_source[s].append((-n, t))
    chosen = []
    for s in sorted(by_source):
        for _, t in sorted(by_source[s])[:MAX_TARGETS_PER_SOURCE]:
            chosen.append((s, t, origin[(s, t)]))
    return chosen


def domain_of(origin: str) -> str:
    return DIALOGUE if sources.is_narrative(origin) else SOFTWARE


def fixed_testsets(directory: Path, test: list[tuple[str, str, str]], held_out_keys: set[str],
                   seen_keys: set[str]) -> dict[str, list[tuple[str, str]]]:
    """The fixed test slices: read from directory, or written there from this build's test split.

    Raises if a fixed test source is in this build's train or dev split (seen_keys); held_out_keys are
    this build's test sources, for the record of how many fixed pairs this build still produces.
    """
    slices = {}
    for name in (SOFTWARE, DIALOGUE):
        path = directory / f"{name}.tsv"
        if not path.exists():
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(f"{s}\t{t}\n" for s, t, d in test if d == name), encoding="utf-8")
            sources.log(f"wrote the fixed test slice {path}")
        slices[name] = [tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines()]
        leaked = [s for s, _ in slices[name] if split_key(s) in seen_keys]
        if leaked:
            raise SystemExit(f"{len(leaked)} sources of the fixed test slice {path} are in train or dev, "
                             f"for example {leaked[0]!r}: the split rule changed; keep it or rebuild the slices")
        still = sum(split_key(s) in held_out_keys for s, _ in slices[name])
        sources.log(f"fixed {name} test slice: {len(slices[name])} pairs, {still} of them in this build's test split")
    return slices


def _extract(deb: Path):
    info, raw = sources.catalog_pairs(deb)
    return info, [(r.source, r.target, r.origin) for r in raw]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("work"))
    parser.add_argument("--out", type=Path, default=Path("../artifacts/en-fr"))
    parser.add_argument("--max-deb-bytes", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--testsets", type=Path, default=Path("testsets"))
    args = parser.parse_args()

    packages = sources.packages_with_french_catalogs(args.max_deb_bytes)
    sources.log(f"{len(packages)} packages with French catalogs selected")
    debs = sources.download(packages + list(documents.PACKAGES), args.work / "debs")
    document_debs = [d for d in debs if d.name.split("_", 1)[0] in documents.PACKAGES]
    catalog_debs = [d for d in debs if d not in document_debs]

    raw: list[tuple[str, str, str]] = []
    infos = []
    with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        for i, (info, pairs) in enumerate(pool.map(_extract, catalog_debs, chunksize=8), 1):
            infos.append((info, pairs))
            raw.extend(pairs)
            if i % 100 == 0 or i == len(catalog_debs):
                sources.log(f"  extracted {i}/{len(catalog_debs)} packages, {len(raw)} raw pairs")
    ddtp = sources.ddtp_pairs(args.work)
    sources.log(f"  DDTP: {len(ddtp)} raw pairs")
    document_pairs = []
    for deb in document_debs:
        found = documents.pairs(deb)
        sources.log(f"  {deb.name.split('_', 1)[0]}: {len(found)} raw pairs")
        document_pairs.extend(found)
    raw.extend((p.source, p.target, p.origin) for p in ddtp + document_pairs)

    cleaned = []
    for s, t, o in raw:
        for piece_s, piece_t in clean.split_aligned(s, t):
            pair = clean.clean_pair(piece_s, piece_t)
            if pair:
                cleaned.append((*pair, o))
    chosen = select(cleaned)
    sources.log(f"{len(raw)} raw -> {len(cleaned)} clean -> {len(chosen)} unique pairs")

    splits = {"train": [], "dev": [], "test": []}
    for s, t, o in chosen:
        splits[split_of(s)].append((s, t, domain_of(o)))
    if len(splits["test"]) < MIN_TEST or len(splits["dev"]) < MIN_DEV:
        raise SystemExit(f"split too small: test {len(splits['test'])} (need {MIN_TEST}), "
                         f"dev {len(splits['dev'])} (need {MIN_DEV})")
    seen_keys = {split_key(s) for name in ("train", "dev") for s, _, _ in splits[name]}
    testsets = fixed_testsets(args.testsets, splits["test"], {split_key(s) for s, _, _ in splits["test"]}, seen_keys)

    corpus_dir = args.work / "corpus"
    corpus_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for name, rows in splits.items():
        text = "".join(f"{s}\t{t}\t{d}\n" for s, t, d in rows)
        (corpus_dir / f"{name}.tsv").write_text(text, encoding="utf-8")
        digest.update(name.encode() + b"\0" + text.encode())

    kinds = collections.Counter(o if o in ("ddtp", *documents.PACKAGES) else "gettext" for _, _, o in chosen)
    by_package = collections.Counter(o for _, _, o in chosen)
    args.out.mkdir(parents=True, exist_ok=True)
    record = {
        "pairs": {k: len(v) for k, v in splits.items()},
        "pairs_by_domain": {k: dict(sorted(collections.Counter(d for _, _, d in v).items()))
                            for k, v in splits.items()},
        "pairs_by_kind": dict(sorted(kinds.items())),
        "raw_pairs": len(raw), "clean_pairs": len(cleaned),
        "packages": len(infos) + len(document_debs),
        "sha256": digest.hexdigest(),
        "split": {"rule": "sha256(split_key(source)) % 10000: <120 test, <200 dev, else train",
                  "split_key": "casefold, collapsed spaces, trailing .!?:;… removed",
                  "domain": "dialogue if the pair occurs in a narrative package (games, the handbook), else software"},
        "testsets": {name: {"pairs": len(rows),
                            "sha256": hashlib.sha256((args.testsets / f"{name}.tsv").read_bytes()).hexdigest()}
                     for name, rows in testsets.items()},
    }
    (args.out / "corpus.json").write_text(json.dumps(record, indent=2) + "\n")
    lines = ["package\tversion\tpairs_kept\tcatalogs\tlicences"]
    for info, _ in sorted(infos, key=lambda x: x[0].name):
        lines.append(f"{info.name}\t{info.version}\t{by_package.get(info.name, 0)}\t{info.catalogs}\t"
                     + "; ".join(info.licences))
    for deb in document_debs:
        info = sources.package_info(deb, 0)
        lines.append(f"{info.name}\t{info.version}\t{kinds[info.name]}\t0\t" + "; ".join(info.licences))
    lines.append(f"ddtp (Debian Description Translation Project)\tbookworm\t{kinds['ddtp']}\t0\t"
                 "descriptions: licences of each package; translations: DDTP, DFSG-free")
    (args.out / "sources.tsv").write_text("\n".join(lines) + "\n")
    sources.log(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
