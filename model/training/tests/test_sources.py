import subprocess

import pytest

import build_corpus
import documents
import sources


@pytest.mark.parametrize("path, kind", [
    ("./usr/share/locale/fr/LC_MESSAGES/freedroidrpg-dialogs.mo", "mo"),
    ("./usr/share/games/supertuxkart/data/po/fr.po", "po"),
    ("./usr/share/games/flare/mods/empyrean_campaign/languages/data.fr.po", "po"),
    ("./usr/share/gcompris-qt/translations/gcompris_fr.qm", "qm"),
    ("./usr/share/games/supertuxkart/data/po/fr_CA.po", None),
    ("./usr/share/games/supertux2/levels/world1/frr.po", None),
    ("./usr/share/locale/fr_BE/LC_MESSAGES/x.mo", None),
])
def test_catalog_paths_are_french_only(path, kind):
    found = {"mo": sources.MO_PATH.search(path), "po": sources.PO_PATH.search(path), "qm": sources.QM_PATH.search(path)}
    assert [k for k, match in found.items() if match] == ([kind] if kind else [])


def test_narrative_packages_are_games_and_the_handbook():
    assert sources.is_narrative("wesnoth-1.16-httt")
    assert sources.is_narrative("freedroidrpg-data") and sources.is_narrative("debian-handbook")
    assert not sources.is_narrative("gnome-user-docs") and not sources.is_narrative("gimp-data")


def test_qt_catalogs_convert_with_their_source_texts(tmp_path):
    ts = tmp_path / "demo_fr.ts"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="fr">'
                  '<context><name>menu</name><message><source>Play with a friend.</source>'
                  '<translation>Joue avec un ami.</translation></message></context></TS>', encoding="utf-8")
    subprocess.run(["lrelease", str(ts), "-qm", str(tmp_path / "demo_fr.qm")], check=True, capture_output=True)
    po = sources._qm_to_po((tmp_path / "demo_fr.qm").read_bytes())
    pairs = sources._catalog_pairs(po, ".po", sources.polib.pofile, "gcompris-qt-data:demo_fr.qm")
    assert [(p.source, p.target) for p in pairs] == [("Play with a friend.", "Joue avec un ami.")]


HANDBOOK_EN = """<html><head><title>6.2. aptitude, apt-get, and apt Commands</title></head><body>
<h2 class="title">6.2.3. System Upgrade</h2>
<div class="para">Regular upgrades are recommended,<span class="indexterm"><span>upgrade</span></span> because
 they include the latest security updates.</div>
<pre class="screen">apt upgrade</pre>
<div class="para">The tool offers these options:<div class="itemizedlist"><ul><li><div class="para">a short one;</div></li>
</ul></div></div>
</body></html>"""
HANDBOOK_FR = """<html><head><title>6.2. Commandes aptitude, apt-get et apt</title></head><body>
<h2 class="title">6.2.3. Mise à jour</h2>
<div class="para">Des mises à jour régulières sont recommandées,<span class="indexterm"><span>mise à jour</span></span>
 car elles apportent les derniers correctifs de sécurité.</div>
<pre class="screen">apt upgrade</pre>
<div class="para">L'outil offre ces options :<div class="itemizedlist"><ul><li><div class="para">une courte ;</div></li>
</ul></div></div>
</body></html>"""


def test_handbook_blocks_skip_index_terms_and_listings_and_keep_nested_paragraphs_apart():
    blocks = documents._handbook_texts(HANDBOOK_EN.encode())
    assert blocks == [
        ("title", "aptitude, apt-get, and apt Commands"),
        ("h2", "System Upgrade"),
        ("div", "Regular upgrades are recommended, because they include the latest security updates."),
        ("div", "a short one;"),
        ("div", "The tool offers these options:"),
    ]


def test_handbook_pages_pair_element_by_element_when_their_shapes_agree(tmp_path, monkeypatch):
    pages = {"en-US": HANDBOOK_EN, "fr-FR": HANDBOOK_FR}
    members = [(f"./usr/share/doc/debian-handbook/html/{lang}/sect.apt-get.html", text.encode())
               for lang, text in pages.items()]
    members.append(("./usr/share/doc/debian-handbook/html/fr-FR/only-in-french.html", HANDBOOK_FR.encode()))
    monkeypatch.setattr(sources, "members", lambda deb, wanted: [m for m in members if wanted(m[0])])
    pairs = documents.pairs(tmp_path / "debian-handbook_11.20220922_all.deb")
    assert [(p.source, p.target) for p in pairs][1:3] == [
        ("System Upgrade", "Mise à jour"),
        ("Regular upgrades are recommended, because they include the latest security updates.",
         "Des mises à jour régulières sont recommandées, car elles apportent les derniers correctifs de sécurité.")]
    assert {p.origin for p in pairs} == {"debian-handbook:sect.apt-get.html"}


def test_handbook_pages_whose_shapes_differ_are_skipped(tmp_path, monkeypatch):
    french = HANDBOOK_FR.replace("<h2 class=\"title\">6.2.3. Mise à jour</h2>", "")
    members = [("./usr/share/doc/debian-handbook/html/en-US/a.html", HANDBOOK_EN.encode()),
               ("./usr/share/doc/debian-handbook/html/fr-FR/a.html", french.encode())]
    monkeypatch.setattr(sources, "members", lambda deb, wanted: [m for m in members if wanted(m[0])])
    assert documents.pairs(tmp_path / "debian-handbook_11_all.deb") == []


def test_a_pair_shared_with_a_game_counts_as_dialogue():
    rows = [("Are you okay?", "Ça va ?", "gimp-data:gimp20.mo"), ("Are you okay?", "Ça va ?", "freedink-data:dink.mo")]
    assert build_corpus.select(rows) == [("Are you okay?", "Ça va ?", "freedink-data")]
    assert build_corpus.domain_of("freedink-data") == build_corpus.DIALOGUE


def test_fixed_test_slices_are_written_once_then_guard_train_and_dev(tmp_path):
    test = [("Open the file", "Ouvrir le fichier", "software"), ("Who are you?", "Qui es-tu ?", "dialogue")]
    keys = {build_corpus.split_key(s) for s, _, _ in test}
    slices = build_corpus.fixed_testsets(tmp_path, test, keys, seen_keys=set())
    assert slices == {"software": [("Open the file", "Ouvrir le fichier")], "dialogue": [("Who are you?", "Qui es-tu ?")]}
    again = build_corpus.fixed_testsets(tmp_path, [], set(), seen_keys=set())
    assert again == slices
    with pytest.raises(SystemExit, match="1 sources of the fixed test slice .*dialogue.tsv are in train or dev"):
        build_corpus.fixed_testsets(tmp_path, [], set(), seen_keys={build_corpus.split_key("who are you")})
