"""Turning raw UI strings and descriptions into clean, sentence-like translation pairs.

Each rule is a small pure function so the tests can pin it down; `clean_pair` applies them in order and
returns None for a pair that must be dropped.
"""
from __future__ import annotations

import html
import re
import unicodedata

MARKUP = re.compile(r"</?[A-Za-z][^<>]*>")
PLACEHOLDERS = re.compile(
    r"%(?:\d+\$)?[-+ #0']*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcspn%@]"
    r"|%\([A-Za-z_][A-Za-z0-9_]*\)[-+ #0]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]"
    r"|%\d+|%[A-Za-z_]+%|\{[A-Za-z0-9_]*(?::[^{}]*)?\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*"
    r"|<[A-Z_]+>"
)
# GTK '_File', Qt/KDE '&File', LibreOffice '~File', and the CJK-style '(_F)' suffix.
ACCELERATORS = re.compile(r"\(\s*[_&~][A-Za-z]\s*\)|(?<![\w_])_(?=\w)|&(?=\w)|~(?=\w)")
NOT_PROSE = re.compile(r"https?://|www\.|\S+@\S+\.\w|[/\\]\w+[/\\]|\w+\.\w+\(|::|==|\b[a-z]+_[a-z_]+\b|--\w")
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
SPACES = re.compile(r"\s+")
SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|«\s*»|\"\s*\"|'\s*'")

MIN_WORDS = 2
MIN_WORDS_AFTER_PLACEHOLDERS = 3  # 'Page {0} of {1}' must not become 'Page of'
MAX_WORDS = 80
MIN_LETTER_SHARE = 0.6
MAX_LENGTH_RATIO = 2.2  # French runs ~1.15x English in characters; allow slack both ways
SHORT_SLACK_CHARS = 12  # short strings vary more: 'Save' -> 'Enregistrer'


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # IRC colour/bold codes and the like; not \t \n \r


def normalise(text: str) -> str:
    """NFC, no control characters, one space between words, typographic spaces folded to plain ones."""
    text = CONTROL.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    return SPACES.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    return html.unescape(MARKUP.sub(" ", text))


def strip_placeholders(text: str) -> str:
    return PLACEHOLDERS.sub(" ", text)


def strip_accelerators(text: str) -> str:
    return ACCELERATORS.sub("", text)


def tidy(text: str) -> str:
    """Spaces and empty brackets left behind after stripping."""
    text = EMPTY_BRACKETS.sub(" ", text)
    text = SPACES.sub(" ", text).strip()
    text = SPACE_BEFORE_PUNCT.sub(r"\1", text) if not _french_spacing(text) else text
    return text.strip(" ,;:-").strip()


def _french_spacing(text: str) -> bool:
    # French typography puts a space before ; : ! ? and that space is kept.
    return bool(re.search(r"\w [;:!?]", text)) and not re.search(r"\w [,.)]", text)


def is_sentence_like(text: str) -> bool:
    """Prose a person would write: enough real words, mostly letters, no paths, code or addresses."""
    words = WORD.findall(text)
    if len(words) < MIN_WORDS or len(text.split()) > MAX_WORDS:
        return False
    if NOT_PROSE.search(text):
        return False
    letters = sum(c.isalpha() for c in text)
    visible = sum(not c.isspace() for c in text)
    if visible == 0 or letters / visible < MIN_LETTER_SHARE:
        return False
    return not (text.isupper() and len(words) > 1)


def plausible_lengths(source: str, target: str) -> bool:
    a, b = len(source), len(target)
    if abs(a - b) <= SHORT_SLACK_CHARS:
        return True
    return max(a, b) / max(1, min(a, b)) <= MAX_LENGTH_RATIO


def clean_text(text: str) -> str:
    return tidy(normalise(strip_accelerators(strip_placeholders(strip_markup(normalise(text))))))


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Þ«\"])")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def sentence_pairs(source: str, target: str) -> list[tuple[str, str]]:
    """Sentence by sentence where both sides split into as many sentences, else the whole text."""
    source_sentences, target_sentences = SENTENCE_END.split(source), SENTENCE_END.split(target)
    if len(source_sentences) == len(target_sentences):
        return list(zip(source_sentences, target_sentences))
    return [(source, target)]


def split_aligned(source: str, target: str) -> list[tuple[str, str]]:
    """A multi-paragraph string as paragraph pairs, then sentence pairs, wherever both sides agree on the count.

    Counts that disagree leave the text whole (clean_pair then drops it if it spans several lines): pairing
    the n-th sentence with the n-th sentence is only safe when the translator kept the structure.
    """
    source_paragraphs, target_paragraphs = PARAGRAPH_BREAK.split(source.strip()), PARAGRAPH_BREAK.split(target.strip())
    if len(source_paragraphs) != len(target_paragraphs):
        return [(source, target)]
    pairs = []
    for s, t in zip(source_paragraphs, target_paragraphs):
        pairs.extend(sentence_pairs(" ".join(s.split()), " ".join(t.split())))
    return pairs


def clean_pair(source: str, target: str) -> tuple[str, str] | None:
    """The cleaned pair, or None if it is not a usable sentence pair."""
    if "\n" in source.strip() or "\n" in target.strip():
        # Multi-line strings are help texts or option tables; their line structure rarely aligns.
        return None
    src, tgt = clean_text(source), clean_text(target)
    if not src or not tgt or src.casefold() == tgt.casefold():
        return None
    if not (is_sentence_like(src) and is_sentence_like(tgt)):
        return None
    if PLACEHOLDERS.search(source) and len(WORD.findall(src)) < MIN_WORDS_AFTER_PLACEHOLDERS:
        return None
    if not plausible_lengths(src, tgt):
        return None
    return src, tgt
