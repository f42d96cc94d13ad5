import numpy as np
import onnx
from onnx import numpy_helper
import pytest
import torch

import decode
import export
import graph_variants
import make_fixture
from nmt import reverse_within_length


@pytest.fixture(scope="module")
def model():
    return make_fixture.tiny_model(source_vocab=50, target_vocab=60)


def test_reverse_within_length_leaves_padding_in_place():
    x = torch.arange(10, dtype=torch.float).view(2, 5, 1)
    out = reverse_within_length(x, torch.tensor([5, 3])).squeeze(2)
    assert out.tolist() == [[4, 3, 2, 1, 0], [7, 6, 5, 8, 9]]


def test_padding_does_not_change_encoding(model):
    long, short = [5, 6, 7, 8, 9, 10], [11, 12, 13]
    ids, lengths = decode.pad_batch([long, short])
    with torch.no_grad():
        memory, mask, state = model.encoder(ids, lengths)
        alone_memory, _, alone_state = model.encoder(torch.tensor([short]), torch.tensor([3]))
    assert torch.equal(mask[1], torch.tensor([1.0, 1, 1, 0, 0, 0]))
    assert torch.allclose(memory[1, :3], alone_memory[0], atol=1e-6)
    assert torch.all(memory[1, 3:] == 0)
    assert torch.allclose(state[1], alone_state[0], atol=1e-6)


def test_padded_batch_gives_same_greedy_output_and_attention(model):
    sources = [[5, 6, 7, 8, 9, 10, 14, 15], [11, 12, 13], [20, 21, 22, 23, 24]]
    batched = decode.greedy(model, sources)
    for source, hyp in zip(sources, batched):
        alone = decode.greedy(model, [source])[0]
        assert hyp.ids == alone.ids
        assert torch.allclose(torch.tensor(hyp.attention), torch.tensor(alone.attention), atol=1e-6)
        assert all(len(row) == len(source) for row in hyp.attention)
        assert all(abs(sum(row) - 1) < 1e-5 for row in hyp.attention)


def test_the_exported_step_computes_what_training_computes(model):
    ids, lengths = decode.pad_batch([[5, 6, 7, 8, 9], [11, 12]])
    with torch.no_grad():
        memory, mask, state = model.encoder(ids, lengths)
        previous = torch.tensor([2, 17])
        log_probs, next_state, attention = model.decoder(previous.unsqueeze(1), state, memory, mask)
        step_log_probs, step_state, step_attention = model.decoder.step(previous, state, memory, mask)
    assert torch.allclose(step_log_probs, log_probs.squeeze(1), atol=1e-5)
    assert torch.allclose(step_state, next_state, atol=1e-6)
    assert torch.allclose(step_attention, attention.squeeze(1), atol=1e-6)
    assert torch.all(step_attention[1, 2:] == 0)


def test_beam_of_one_is_greedy(model):
    source = [5, 6, 7, 8]
    assert decode.beam(model, source, beam_size=1).ids == decode.greedy(model, [source])[0].ids


def test_beam_hypothesis_carries_its_own_attention(model):
    hyp = decode.beam(model, [5, 6, 7, 8, 9], beam_size=4)
    assert len(hyp.attention) in (len(hyp.ids), len(hyp.ids) + 1)
    assert all(abs(sum(row) - 1) < 1e-5 for row in hyp.attention)


def test_export_passes_onnx_checker_and_declares_dynamic_axes(model, tmp_path):
    specs = export.export_graphs(model, tmp_path)
    for role, spec in specs.items():
        graph = onnx.load(str(tmp_path / spec["file"]))
        onnx.checker.check_model(graph, full_check=True)
        assert graph.opset_import[0].version >= 13
        names = [i.name for i in graph.graph.input]
        assert names == [t["name"] for t in spec["inputs"].values()]
        first_input = graph.graph.input[0].type.tensor_type.shape.dim
        assert first_input[0].dim_param == "batch"


def test_weights_are_stored_as_exact_float16(model, tmp_path):
    specs = export.export_graphs(model, tmp_path)
    graph = onnx.load(str(tmp_path / specs["decoder_step"]["file"]))
    big = [i for i in graph.graph.initializer if np.prod(i.dims) >= 1024]
    assert big and all(i.data_type == onnx.TensorProto.FLOAT16 for i in big)
    casts = [n for n in graph.graph.node if n.op_type == "Cast" and n.input[0].endswith("_fp16")]
    assert len(casts) == len(big)


def test_manifest_names_every_role(model, tmp_path):
    specs = export.export_graphs(model, tmp_path)
    history = {"steps": 1, "epochs": 0.1, "target_tokens": 10, "train_seconds": 1.0, "runs": [], "dev_loss": []}
    manifest = export.write_manifest(tmp_path, model, history, specs, "test")
    assert set(manifest["graphs"]["encoder"]["outputs"]) == {"memory", "source_mask", "decoder_state"}
    assert set(manifest["graphs"]["decoder_step"]["outputs"]) == {"log_probs", "decoder_state", "attention"}
    assert manifest["special_tokens"] == {"pad": 0, "unk": 1, "bos": 2, "eos": 3}
    assert set(manifest["graphs"]["decoder_step_topk"]["inputs"]) == {"previous_ids", "decoder_state", "memory",
                                                                       "source_mask", "k"}
    assert set(manifest["graphs"]["decoder_step_topk"]["outputs"]) == {"top_log_probs", "top_ids",
                                                                        "decoder_state", "attention"}
    assert manifest["precisions"] == {"int8": {"decoder_step": "decoder_step.int8.onnx",
                                               "decoder_step_topk": "decoder_step_topk.int8.onnx"}}
    assert set(manifest["files_sha256"]) == {"encoder.onnx", "decoder_step.onnx", "decoder_step_topk.onnx",
                                             "decoder_step.int8.onnx", "decoder_step_topk.int8.onnx"}


def test_the_top_k_step_ends_in_top_k_over_the_log_softmax(model, tmp_path):
    export.export_graphs(model, tmp_path)
    graph = onnx.load(str(tmp_path / "decoder_step_topk.onnx")).graph
    top = [n for n in graph.node if n.op_type == "TopK"]
    assert len(top) == 1 and top[0].input[1] == "k"
    producer = next(n for n in graph.node if top[0].input[0] in n.output)
    if producer.op_type == "Squeeze":  # the step's [B,1,V] -> [B,V]
        producer = next(n for n in graph.node if producer.input[0] in n.output)
    assert producer.op_type == "LogSoftmax"
    assert [o.name for o in graph.output] == ["top_log_probs", "top_ids", "next_decoder_state", "attention"]


def test_int8_replaces_every_constant_weight_matmul_and_nothing_else(model, tmp_path):
    export.export_graphs(model, tmp_path)
    full = onnx.load(str(tmp_path / "decoder_step.onnx")).graph
    quantised = onnx.load(str(tmp_path / "decoder_step.int8.onnx")).graph
    constant_weights = {i.name for i in full.initializer} | {n.output[0] for n in full.node if n.op_type == "Cast"}
    weighted = [n for n in full.node if n.op_type in ("MatMul", "Gemm") and n.input[1] in constant_weights]
    assert len(weighted) == 3  # query, combine, output; the two attention MatMuls multiply activations
    assert sum(n.op_type == "GRU" for n in full.node) == 1
    # the three, and the unrolled GRU's input and recurrent products
    assert sum(n.op_type == "MatMulIntegerToFloat" for n in quantised.node) == 5
    assert sum(n.op_type == "MatMul" for n in quantised.node) == 2
    assert sum(n.op_type == "Gemm" for n in quantised.node) == 0
    assert sum(n.op_type == "GRU" for n in quantised.node) == 0
    weights = {i.name: numpy_helper.to_array(i) for i in quantised.initializer if i.name.endswith("/int8/w")}
    assert weights and all(w.dtype == np.int8 and np.abs(w).max() <= graph_variants.WEIGHT_LEVELS
                           for w in weights.values())


def _evaluate(nodes, values):
    """numpy evaluation of the few operators unrolled_gru and the int8 products write (onnx 1.12 has no reference
    evaluator)."""
    def quantize(x, step, zero):  # ONNX QuantizeLinear to uint8: round half to even, saturate
        return np.clip(np.rint(x / step) + zero, 0, 255).astype(np.uint8)

    def matmul_integer_to_float(a, b, a_scale, b_scale, a_zero, b_zero, bias=0):
        product = (a.astype(np.int32) - a_zero.astype(np.int32)) @ (b.astype(np.int32) - b_zero.astype(np.int32))
        return product.astype(np.float32) * (a_scale * b_scale) + bias

    operators = {"Squeeze": lambda x, axes: np.squeeze(x, tuple(axes)), "MatMul": np.matmul, "Add": np.add,
                 "Sub": np.subtract, "Mul": np.multiply, "Tanh": np.tanh, "Sigmoid": lambda x: 1 / (1 + np.exp(-x)),
                 "Unsqueeze": lambda x, axes: np.expand_dims(x, tuple(axes)),
                 "Split": lambda x, sizes: np.split(x, np.cumsum(sizes)[:-1], axis=1),
                 "QuantizeLinear": quantize, "MatMulIntegerToFloat": matmul_integer_to_float}
    for node in nodes:
        result = operators[node.op_type](*[values[i] for i in node.input])
        for name, value in zip(node.output, result if node.op_type == "Split" else [result]):
            values[name] = value
    return values


def test_an_int8_product_gives_each_row_what_it_gives_that_row_alone():
    generator = np.random.default_rng(5)
    weight = generator.normal(size=(24, 7)).astype(np.float32)
    bias = generator.normal(size=7).astype(np.float32)
    bound = 2.0
    rows = np.clip(generator.normal(size=(4, 24)), -bound, bound).astype(np.float32)
    rows[1] = bound * np.sign(rows[1])  # a row at the bound: with one scale per call it would set everyone's
    rows[2] *= 0.01
    rows[3] = 0
    graph = onnx.helper.make_graph([], "product", [], [])
    nodes = graph_variants._integer_matmul(onnx.helper.make_node("Gemm", ["x", "weight", "bias"], ["y"], name="p"),
                                           weight, "bias", bound, graph)
    constants = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    batched = _evaluate(nodes, {**constants, "x": rows, "bias": bias})["y"]
    for row in range(len(rows)):
        alone = _evaluate(nodes, {**constants, "x": rows[row:row + 1], "bias": bias})["y"]
        np.testing.assert_array_equal(alone[0], batched[row])
    # half an activation step and half a weight step per term, summed over the row
    step = bound / graph_variants.ACTIVATION_LEVELS
    weight_step = np.abs(weight).max(axis=0) / graph_variants.WEIGHT_LEVELS
    worst = (step / 2 * np.abs(weight).sum(axis=0) + np.abs(rows).sum(axis=1, keepdims=True) * weight_step / 2
             + len(weight) * step * weight_step / 4)
    assert np.all(np.abs(batched - (rows @ weight + bias)) <= worst + 1e-5)
    np.testing.assert_array_equal(batched[3], bias)


def test_int8_quantises_each_input_against_the_bound_the_graph_gives_it(model, tmp_path):
    export.export_graphs(model, tmp_path)
    quantised = onnx.load(str(tmp_path / "decoder_step.int8.onnx")).graph
    steps = {i.name.split("/int8/")[0]: float(numpy_helper.to_array(i)) * graph_variants.ACTIVATION_LEVELS
             for i in quantised.initializer if i.name.endswith("/int8/a_step")}
    embedding = model.decoder.embed.weight.detach().abs().max().item()
    gru_input = [name for name in steps if name.endswith("/unrolled/2")]  # x W, the unrolled GRU's third node
    assert len(steps) == 5 and len(gru_input) == 1
    assert steps[gru_input[0]] == pytest.approx(embedding, rel=1e-3)  # float16 storage of the table
    assert all(bound == pytest.approx(1.0) for name, bound in steps.items() if name not in gru_input)


def test_the_encoder_keeps_its_outputs_within_the_bounds_int8_assumes(model):
    generator = torch.Generator().manual_seed(4)
    ids = torch.randint(4, 50, (6, 9), generator=generator)
    with torch.no_grad():
        memory, _, state = model.encoder(ids, torch.tensor([9, 8, 5, 3, 2, 1]))
    assert memory.abs().max() <= graph_variants.GRAPH_INPUT_BOUNDS["memory"]
    assert state.abs().max() <= graph_variants.GRAPH_INPUT_BOUNDS["decoder_state"]


def test_an_input_without_a_known_bound_is_refused():
    free = onnx.helper.make_node("Add", ["a", "b"], ["sum"], name="free")
    with pytest.raises(ValueError, match="no bound is known for sum, the output of Add free"):
        graph_variants.input_bound("sum", {"sum": free}, {}, {}, {})


def test_the_unrolled_gru_is_torchs_gru_step(model, tmp_path):
    export.export_graphs(model, tmp_path)
    graph = onnx.load(str(tmp_path / "decoder_step.onnx")).graph
    initializers = {i.name: i for i in graph.initializer}
    casts = {n.output[0]: n for n in graph.node if n.op_type == "Cast" and n.input[0] in initializers}
    gru = next(n for n in graph.node if n.op_type == "GRU")
    nodes = graph_variants.unrolled_gru(gru, initializers, casts, graph)
    constants = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    rnn = model.decoder.rnn
    generator = torch.Generator().manual_seed(3)
    x = torch.randn(1, 5, rnn.input_size, generator=generator)
    h = torch.randn(1, 5, rnn.hidden_size, generator=generator)
    values = _evaluate(nodes, {**constants, gru.input[0]: x.numpy(), gru.input[5]: h.numpy()})
    with torch.no_grad():
        sequence, last = rnn(x.transpose(0, 1), h)
    assert values[gru.output[1]].shape == (1, 5, rnn.hidden_size)
    np.testing.assert_allclose(values[gru.output[1]], last.numpy(), atol=1e-5)
    np.testing.assert_allclose(values[gru.output[0]], sequence.transpose(0, 1).unsqueeze(1).numpy(), atol=1e-5)
