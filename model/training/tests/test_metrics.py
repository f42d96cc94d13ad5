import pytest

import metrics

OBAMA_HYP = "The relationship between Obama and Netanyahu is not exactly friendly."
OBAMA_REF = "The ties between Obama and Netanyahu are not particularly friendly."


def test_13a_tokenisation_splits_punctuation_but_not_decimals():
    assert metrics.tokenize_13a("It costs 3.5 dollars, (really)!") == \
        ["It", "costs", "3.5", "dollars", ",", "(", "really", ")", "!"]


def test_identical_corpus_scores_100():
    assert metrics.corpus_bleu(["the cat sat on the mat"], ["the cat sat on the mat"]) == pytest.approx(100)
    assert metrics.corpus_chrf(["le chat"], ["le chat"]) == pytest.approx(100)


def test_chrf_matches_sacrebleu_published_value():
    # sacreBLEU's chrF (char_order 6, beta 2) gives 61.576379378113785 for this pair (Hugging Face metric card).
    assert metrics.corpus_chrf([OBAMA_HYP], [OBAMA_REF]) == pytest.approx(61.576379378113785, abs=1e-9)


def test_bleu_by_hand():
    # 13a: 11 tokens each (final '.' split off); n-gram matches 8/11, 4/10, 2/9, 1/8; no brevity penalty.
    expected = (8 / 11 * 4 / 10 * 2 / 9 * 1 / 8) ** 0.25 * 100
    assert metrics.corpus_bleu([OBAMA_HYP], [OBAMA_REF]) == pytest.approx(expected)


def test_bleu_brevity_penalty_and_exp_smoothing():
    # hyp 2 tokens vs ref 4: BP = exp(1 - 4/2); 3- and 4-gram orders have no match: 100/(2*1), 100/(4*... )
    score = metrics.corpus_bleu(["a b"], ["a b c d"])
    assert score == 0.0  # no 3-grams at all in a two-token hypothesis: the order is empty, BLEU is 0
    score = metrics.corpus_bleu(["a b x y"], ["a b c d"])
    p1, p2, p3, p4 = 2 / 4, 1 / 3, 1 / (2 * 2), 1 / (4 * 1)
    assert score == pytest.approx(100 * (p1 * p2 * p3 * p4) ** 0.25)
