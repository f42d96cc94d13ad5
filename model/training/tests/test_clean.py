import pytest

import clean


@pytest.mark.parametrize("raw, expected", [
    ("_Open File", "Open File"),
    ("&Save As...", "Save As..."),
    ("Open (_O) the door now", "Open the door now"),
    ("~Insert a new row", "Insert a new row"),
])
def test_accelerators_are_removed(raw, expected):
    assert clean.clean_text(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Could not open %s: %s", "Could not open"),
    ("Deleted %(count)d files from %1$s", "Deleted files from"),
    ("Page {0} of {page_count}", "Page of"),
    ("Copied ${size} bytes in $SECONDS seconds", "Copied bytes in seconds"),
])
def test_format_placeholders_are_removed(raw, expected):
    assert clean.clean_text(raw) == expected


def test_markup_and_entities_are_removed():
    assert clean.clean_text("<b>Warning:</b> the file &quot;x&quot; exists.") == 'Warning: the file "x" exists.'


def test_text_is_nfc_with_single_spaces():
    decomposed = "Cafe\u0301  ouvert\u00a0!"
    assert clean.normalise(decomposed) == "Café ouvert !"


def test_pair_keeps_french_spacing_before_punctuation():
    assert clean.clean_pair("Are you sure?", "Êtes-vous sûr ?") == ("Are you sure?", "Êtes-vous sûr ?")


@pytest.mark.parametrize("source, target", [
    ("OK", "OK"),                                         # not sentence-like: one word
    ("/usr/share/doc/foo", "/usr/share/doc/foo"),         # a path
    ("Visit https://example.org for help", "Visitez https://example.org"),
    ("Use --verbose for details", "Utilisez --verbose"),  # command-line syntax
    ("Page {0} of {1}", "Page {0} sur {1}"),              # placeholders leave too little
    ("Open the file", "Open the file"),                   # untranslated
    ("Open", "Ouvrir le fichier sélectionné dans une nouvelle fenêtre de l'éditeur"),
    ("A short one", "Une phrase beaucoup beaucoup plus longue que la source ne le laisse penser du tout"),
    ("Line one\nLine two", "Ligne un\nLigne deux"),
    ("FILE NOT FOUND", "FICHIER INTROUVABLE"),
])
def test_unusable_pairs_are_dropped(source, target):
    assert clean.clean_pair(source, target) is None


def test_usable_pair_survives():
    assert clean.clean_pair("I love you.", "Je t'aime.") == ("I love you.", "Je t'aime.")


def test_length_ratio_allows_short_slack_but_not_long_mismatch():
    assert clean.plausible_lengths("Save", "Enregistrer")
    assert not clean.plausible_lengths("x" * 40, "y" * 100)


def test_paragraphs_and_sentences_are_paired_when_counts_agree():
    source = "We must hurry. The orcs are coming!\n\nFollow me."
    target = "Nous devons nous dépêcher. Les orcs arrivent !\n\nSuivez-moi."
    assert clean.split_aligned(source, target) == [
        ("We must hurry.", "Nous devons nous dépêcher."), ("The orcs are coming!", "Les orcs arrivent !"),
        ("Follow me.", "Suivez-moi.")]


def test_disagreeing_structure_is_left_whole():
    source = "One paragraph.\n\nTwo paragraphs."
    target = "Un seul paragraphe. Deux phrases."
    assert clean.split_aligned(source, target) == [(source, target)]
    assert clean.split_aligned("First one. Second one.", "Une seule phrase, longue.") == \
        [("First one. Second one.", "Une seule phrase, longue.")]


def test_control_characters_are_removed():
    assert clean.clean_text("\x02Nick\x02 is already on the list\x0f") == "Nick is already on the list"
