import pytest
import torch

import average
import decode
import make_fixture
import train


def test_corpus_files_read_with_or_without_a_domain_column(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("Open\tOuvrir\tsoftware\nWho are you?\tQui es-tu ?\tdialogue\nSave now\tEnregistrer\n",
                    encoding="utf-8")
    assert train.read_pairs(path) == [("Open", "Ouvrir", "software"), ("Who are you?", "Qui es-tu ?", "dialogue"),
                                      ("Save now", "Enregistrer", "")]


class Pieces:
    def encode(self, texts):
        return [[len(t)] for t in texts]


def test_dialogue_pairs_are_repeated_with_their_links(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("Open\tOuvrir\tsoftware\nWho?\tQui ?\tdialogue\n", encoding="utf-8")
    links = tmp_path / "train.align"
    links.write_text("0-0\n0-0 0-1\n")
    pairs, pair_links = train.training_pairs(path, Pieces(), Pieces(), dialogue_repeats=3, alignments=links)
    assert pairs == [([4], [6])] + [([4], [5])] * 3
    assert pair_links == [[(0, 0)]] + [[(0, 0), (0, 1)]] * 3


def test_alignments_must_match_the_corpus_line_for_line(tmp_path):
    path = tmp_path / "train.tsv"
    path.write_text("Open\tOuvrir\tsoftware\n", encoding="utf-8")
    links = tmp_path / "train.align"
    links.write_text("0-0\n\n")
    with pytest.raises(SystemExit, match="has 2 lines for the 1 pairs"):
        train.training_pairs(path, Pieces(), Pieces(), dialogue_repeats=1, alignments=links)


def test_guide_spreads_each_target_piece_over_its_linked_sources():
    wanted, rows = train.guide([[(0, 0), (2, 0), (1, 1)]], target_length=3, source_length=3)
    assert wanted[0].tolist() == [[0.5, 0.0, 0.5], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    assert rows[0].tolist() == [True, True, False]
    attention = torch.tensor([[[0.5, 0.0, 0.5], [0.25, 0.5, 0.25], [1.0, 0.0, 0.0]]])
    loss, count = train.guided_loss(attention, wanted, rows)
    assert count == 2
    assert float(loss) == pytest.approx(-(0.5 * torch.log(torch.tensor(0.5)) * 2 + torch.log(torch.tensor(0.5))), abs=1e-5)


def test_learning_rate_warms_up_then_decays_to_a_tenth():
    assert train.learning_rate(1.0, 0.0, step=0, warmup_steps=100) == pytest.approx(0.01)
    assert train.learning_rate(1.0, 0.0, step=99, warmup_steps=100) == pytest.approx(1.0)
    assert train.learning_rate(1.0, 0.5, step=500, warmup_steps=100) == pytest.approx(0.55)
    assert train.learning_rate(1.0, 1.0, step=500, warmup_steps=100) == pytest.approx(0.1)


def test_average_is_the_elementwise_mean_in_float16(tmp_path):
    model = make_fixture.tiny_model(source_vocab=30, target_vocab=40)
    history = {"steps": 1, "epochs": 0.0, "target_tokens": 0, "train_seconds": 0.0, "runs": [], "dev_loss": []}
    train.save(tmp_path / "step-1.pt", model, history)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.5)
    train.save(tmp_path / "step-2.pt", model, history)
    first, second = (torch.load(tmp_path / f"step-{i}.pt")["state"] for i in (1, 2))
    mean = average.average_state([tmp_path / "step-1.pt", tmp_path / "step-2.pt"])
    key = "decoder.embed.weight"
    assert mean[key].dtype == torch.float16
    assert torch.allclose(mean[key].float(), (first[key].float() + second[key].float()) / 2, atol=1e-3)
    assert train.model_from(torch.load(tmp_path / "step-1.pt")["config"], mean) is not None


def test_length_penalty_ranks_finished_hypotheses_by_normalised_log_prob():
    short = decode.Hypothesis([7], [[1.0]] * 2, -2.0)          # 2 rows: -1.0 per token
    long = decode.Hypothesis([7, 8, 9], [[1.0]] * 4, -3.2)     # 4 rows: -0.8 per token
    assert decode.best([short, long], length_penalty=0.0) is short
    assert decode.best([short, long], length_penalty=1.0) is long


def test_beam_candidates_hold_the_beam_result():
    model = make_fixture.tiny_model(source_vocab=50, target_vocab=60)
    candidates = decode.beam_candidates(model, [5, 6, 7, 8, 9], beam_size=4)
    assert 1 <= len(candidates) <= 8
    assert decode.beam(model, [5, 6, 7, 8, 9], beam_size=4, length_penalty=0.6) in candidates
