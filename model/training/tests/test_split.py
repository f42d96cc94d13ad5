import collections

import build_corpus


def test_split_is_deterministic_and_ignores_case_spacing_and_end_punctuation():
    assert build_corpus.split_of("Open the file") == build_corpus.split_of("open  the FILE.")
    assert build_corpus.split_of("Open the file") == build_corpus.split_of("Open the file")


def test_no_source_crosses_splits():
    sources = [f"Sentence number {i} is here" for i in range(20000)]
    variants = [s.upper() + " ?" for s in sources]
    assert all(build_corpus.split_of(a) == build_corpus.split_of(b) for a, b in zip(sources, variants))


def test_split_proportions_follow_the_buckets():
    counts = collections.Counter(build_corpus.split_of(f"Sentence number {i} is here") for i in range(50000))
    assert 0.009 < counts["test"] / 50000 < 0.015
    assert 0.006 < counts["dev"] / 50000 < 0.010


def test_select_keeps_the_most_frequent_renderings_per_source():
    rows = [("Open file", "Ouvrir le fichier", "a")] * 3 + [("Open file", "Ouvrir un fichier", "b")] * 2
    rows += [("Open file", f"Variante {i}", "c") for i in range(5)]
    chosen = build_corpus.select(rows)
    targets = [t for _, t, _ in chosen]
    assert len(chosen) == build_corpus.MAX_TARGETS_PER_SOURCE
    assert targets[:2] == ["Ouvrir le fichier", "Ouvrir un fichier"]
    assert len(set((s, t) for s, t, _ in chosen)) == len(chosen)
