"""Graphs derived from an exported decoder step, by editing the ONNX graph rather than re-tracing the model.

top_k:  the same step ending in TopK over its log-probabilities, with k a graph input, so the engine reads
        k (log-probability, id) pairs per row instead of the whole target vocabulary. The log-softmax stays in
        the graph: the pairs are exact log-probabilities, the ones the full graph returns.
int8:   the one-step GRU is first written out as its two matrix products and gate arithmetic (unrolled_gru), so
        its weights are quantised too; then every MatMul or Gemm whose right operand is a constant weight runs as
        QuantizeLinear and onnxruntime's MatMulIntegerToFloat (the int8 product scaled back and the bias added in
        one pass; the graph is onnxruntime's to run, as its quantize_dynamic's output is). The weight is
        quantised once, symmetric per output column to 7-bit values in int8 ([-63, 63]: without VNNI, x86's
        uint8 x int8 kernel sums pairs of products in int16, which 255 x 127 x 2 would overflow; onnxruntime's
        reduce_range); the activation to uint8 around a zero point of 128 with a fixed scale, its bound / 127.
        Every such input in this decoder step has a bound known from the graph itself (input_bound: a tanh, a
        GRU state, an attention-weighted sum of encoder states, all within [-1, 1]; the embedding, within its
        table's largest magnitude), so no calibration is needed and a row's product never depends on the other
        rows of its batch, where quantize_dynamic's one scale per call, from the batch's range, lets a
        sentence's translation change with its batch. Written here because onnxruntime's Python package is not
        available on this machine; Gather (the embedding) stays float.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TOP_K_INPUT = "k"
TOP_VALUES = "top_log_probs"
TOP_IDS = "top_ids"
WEIGHT_LEVELS = 63
ACTIVATION_LEVELS = 127
ACTIVATION_ZERO = 128
ONNXRUNTIME_DOMAIN = "com.microsoft"  # onnxruntime's own operators, MatMulIntegerToFloat among them
# The decoder step's inputs from the encoder or the previous step: memory holds the encoder's GRU outputs and
# decoder_state the tanh of its bridge or the decoder GRU's last state; a GRU's state and outputs stay in [-1, 1].
GRAPH_INPUT_BOUNDS = {"memory": 1.0, "decoder_state": 1.0}
# Operators that move or pick values without changing their magnitude, and those whose output is within [-1, 1].
_SAME_MAGNITUDE = ("Squeeze", "Unsqueeze", "Transpose", "Reshape", "Identity", "Flatten")
_WITHIN_ONE = ("Tanh", "Sigmoid", "Softmax")


def top_k(source: Path, target: Path, log_probs: str) -> None:
    """Writes a copy of the decoder step at `source` whose `log_probs` output is replaced by TopK's two."""
    model = onnx.load(str(source))
    graph = model.graph
    outputs = [o for o in graph.output if o.name != log_probs]
    if len(outputs) == len(graph.output):
        raise ValueError(f"{source} has no output {log_probs}")
    batch = next(o for o in graph.output if o.name == log_probs).type.tensor_type.shape.dim[0]
    graph.input.append(helper.make_tensor_value_info(TOP_K_INPUT, TensorProto.INT64, [1]))
    graph.node.append(helper.make_node("TopK", [log_probs, TOP_K_INPUT], [TOP_VALUES, TOP_IDS], axis=-1,
                                       largest=1, sorted=1, name="top_k"))
    values = helper.make_tensor_value_info(TOP_VALUES, TensorProto.FLOAT, ["batch", "k"])
    ids = helper.make_tensor_value_info(TOP_IDS, TensorProto.INT64, ["batch", "k"])
    for made in (values, ids):
        made.type.tensor_type.shape.dim[0].CopyFrom(batch)
    del graph.output[:]
    graph.output.extend([values, ids] + outputs)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(target))


def int8(source: Path, target: Path) -> int:
    """Writes `source` with its GRU unrolled and its constant-weight MatMuls in int8; returns how many it converted."""
    model = onnx.load(str(source))
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    casts = {n.output[0]: n for n in graph.node if n.op_type == "Cast" and n.input[0] in initializers}
    known = dict(GRAPH_INPUT_BOUNDS)
    known.update({output: 1.0 for n in graph.node if n.op_type == "GRU" for output in n.output if output})
    unrolled = []
    for node in graph.node:
        unrolled.extend(unrolled_gru(node, initializers, casts, graph) if node.op_type == "GRU" else [node])
    del graph.node[:]
    graph.node.extend(unrolled)
    initializers = {i.name: i for i in graph.initializer}
    producers = {output: n for n in graph.node for output in n.output}
    replaced, converted = [], 0
    for node in graph.node:
        weight = _constant(node.input[1], initializers, casts) if node.op_type in ("MatMul", "Gemm") else None
        if weight is None or weight.ndim != 2 or not _plain(node):
            replaced.append(node)
            continue
        if node.op_type == "Gemm" and _attribute(node, "transB", 0) == 1:
            weight = weight.T
        bias = node.input[2] if node.op_type == "Gemm" and len(node.input) > 2 and node.input[2] else None
        bound = input_bound(node.input[0], producers, known, initializers, casts)
        replaced.extend(_integer_matmul(node, weight, bias, bound, graph))
        converted += 1
    del graph.node[:]
    graph.node.extend(replaced)
    if not any(o.domain == ONNXRUNTIME_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(ONNXRUNTIME_DOMAIN, 1))
    _drop_unused(graph)
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(target))
    return converted


def unrolled_gru(node: onnx.NodeProto, initializers: dict, casts: dict, graph: onnx.GraphProto) -> list:
    """
    One step of a forward GRU (linear_before_reset=1, default activations, as torch exports nn.GRU) as plain
    nodes: gx = x W^T + Wb and gh = h R^T + Rb, split into the z, r, h gates (ONNX's order);
    z = sigmoid(gx_z + gh_z), r = sigmoid(gx_r + gh_r), n = tanh(gx_h + r * gh_h), h' = n + z * (h - n).
    The weights become [input, 3H] and [H, 3H] float initializers, the form int8 converts.
    """
    unsupported = [a.name for a in node.attribute if a.name not in ("hidden_size", "linear_before_reset")]
    inputs = list(node.input) + [""] * (6 - len(node.input))
    if unsupported or _attribute(node, "linear_before_reset", 0) != 1 or inputs[4] or not inputs[5]:
        raise ValueError(f"GRU {node.name}: only a forward, linear_before_reset GRU with an initial state and no "
                         f"sequence lengths is unrolled (attributes {unsupported}, inputs {inputs})")
    weights = [_constant(name, initializers, casts) for name in inputs[1:4]]
    if any(w is None for w in weights):
        raise ValueError(f"GRU {node.name}: its weights are not constant")
    w, r, b = (weights[0][0], weights[1][0], weights[2][0])
    hidden = r.shape[1]
    prefix = node.name or node.output[0]
    name = {k: f"{prefix}/unrolled/{k}" for k in ("axis0", "split", "w", "wb", "r", "rb", "x", "h", "gx_mm", "gx",
                                                 "gh_mm", "gh", "xz", "xr", "xh", "hz", "hr", "hh", "z_in", "z",
                                                 "r_in", "r_gate", "r_hh", "n_in", "n", "h_minus_n", "update",
                                                 "next")}
    graph.initializer.extend([
        numpy_helper.from_array(np.array([0], np.int64), name["axis0"]),
        numpy_helper.from_array(np.array([hidden] * 3, np.int64), name["split"]),
        numpy_helper.from_array(np.ascontiguousarray(w.T), name["w"]),
        numpy_helper.from_array(b[:3 * hidden].copy(), name["wb"]),
        numpy_helper.from_array(np.ascontiguousarray(r.T), name["r"]),
        numpy_helper.from_array(b[3 * hidden:].copy(), name["rb"])])
    step = [
        ("Squeeze", [inputs[0], name["axis0"]], [name["x"]]),
        ("Squeeze", [inputs[5], name["axis0"]], [name["h"]]),
        ("MatMul", [name["x"], name["w"]], [name["gx_mm"]]),
        ("Add", [name["gx_mm"], name["wb"]], [name["gx"]]),
        ("MatMul", [name["h"], name["r"]], [name["gh_mm"]]),
        ("Add", [name["gh_mm"], name["rb"]], [name["gh"]]),
        ("Split", [name["gx"], name["split"]], [name["xz"], name["xr"], name["xh"]]),
        ("Split", [name["gh"], name["split"]], [name["hz"], name["hr"], name["hh"]]),
        ("Add", [name["xz"], name["hz"]], [name["z_in"]]),
        ("Sigmoid", [name["z_in"]], [name["z"]]),
        ("Add", [name["xr"], name["hr"]], [name["r_in"]]),
        ("Sigmoid", [name["r_in"]], [name["r_gate"]]),
        ("Mul", [name["r_gate"], name["hh"]], [name["r_hh"]]),
        ("Add", [name["xh"], name["r_hh"]], [name["n_in"]]),
        ("Tanh", [name["n_in"]], [name["n"]]),
        ("Sub", [name["h"], name["n"]], [name["h_minus_n"]]),
        ("Mul", [name["z"], name["h_minus_n"]], [name["update"]]),
        ("Add", [name["n"], name["update"]], [name["next"]]),
    ]
    nodes = [helper.make_node(op, ins, outs, name=f"{prefix}/unrolled/{i}", **({"axis": 1} if op == "Split" else {}))
             for i, (op, ins, outs) in enumerate(step)]
    sequence, last = (list(node.output) + ["", ""])[:2]
    state = last or f"{prefix}/unrolled/state"
    nodes.append(helper.make_node("Unsqueeze", [name["next"], name["axis0"]], [state], name=prefix + "/unrolled/y_h"))
    if sequence:
        nodes.append(helper.make_node("Unsqueeze", [state, name["axis0"]], [sequence], name=prefix + "/unrolled/y"))
    return nodes


def _attribute(node: onnx.NodeProto, name: str, default):
    return next((helper.get_attribute_value(a) for a in node.attribute if a.name == name), default)


def _plain(node: onnx.NodeProto) -> bool:
    """A MatMul, or a Gemm that is a matrix product plus bias: no transposed A, no scaling."""
    return node.op_type == "MatMul" or (_attribute(node, "transA", 0) == 0 and _attribute(node, "alpha", 1.0) == 1.0
                                        and _attribute(node, "beta", 1.0) == 1.0)


def _constant(name: str, initializers: dict, casts: dict) -> np.ndarray | None:
    """The float32 value of `name` if it is an initializer, or a Cast of one (the float16 storage)."""
    if name in initializers:
        return numpy_helper.to_array(initializers[name]).astype(np.float32)
    if name in casts:
        return numpy_helper.to_array(initializers[casts[name].input[0]]).astype(np.float32)
    return None


def input_bound(name: str, producers: dict, known: dict, initializers: dict, casts: dict) -> float:
    """
    The largest magnitude `name` can take, read from the graph (`producers`: output name -> its node): `known`
    names (graph inputs, GRU outputs), what a tanh, sigmoid or softmax makes (1), what only moves values (its
    input's), a concatenation (its inputs' largest), a Gather from a constant table (the table's largest) and a
    product of softmax weights with values (a convex combination: the values'). Anything else raises, naming it:
    int8 needs a bounded input. Bounds found are added to `known`.
    """
    if name in known:
        return known[name]
    producer = producers.get(name)
    if producer is None:
        raise ValueError(f"no bound is known for {name}, an input of the graph")

    def bound(of: str) -> float:
        return input_bound(of, producers, known, initializers, casts)

    def softmax_weights(of: str) -> bool:  # a softmax's output, possibly reshaped
        node = producers.get(of)
        while node is not None and node.op_type in _SAME_MAGNITUDE:
            node = producers.get(node.input[0])
        return node is not None and node.op_type == "Softmax"

    op = producer.op_type
    table = _constant(producer.input[0], initializers, casts) if op == "Gather" else None
    if op in _WITHIN_ONE:
        result = 1.0
    elif op in _SAME_MAGNITUDE:
        result = bound(producer.input[0])
    elif op == "Concat":
        result = max(bound(i) for i in producer.input)
    elif table is not None:
        result = float(np.abs(table).max())
    elif op == "MatMul" and softmax_weights(producer.input[0]):
        result = bound(producer.input[1])
    else:
        raise ValueError(f"no bound is known for {name}, the output of {op} {producer.name}")
    known[name] = result
    return result


def _integer_matmul(node: onnx.NodeProto, weight: np.ndarray, bias: str | None, bound: float,
                    graph: onnx.GraphProto) -> list:
    """x W (+ b) as QuantizeLinear and onnxruntime's MatMulIntegerToFloat, which scales its int32 products back and
    adds the bias in one pass; written out as MatMulInteger, Cast, Mul and Add, the same arithmetic made a decoder
    step at 256 rows 12-17% slower (onnxruntime fuses those only after DynamicQuantizeLinear)."""
    prefix = node.name or node.output[0]
    scale = np.abs(weight).max(axis=0) / WEIGHT_LEVELS
    scale[scale == 0] = 1.0
    quantised = np.clip(np.round(weight / scale), -WEIGHT_LEVELS, WEIGHT_LEVELS).astype(np.int8)
    names = {k: f"{prefix}/int8/{k}" for k in ("w", "w_zero", "w_scale", "a_step", "a_zero", "a")}
    graph.initializer.extend([numpy_helper.from_array(quantised, names["w"]),
                              numpy_helper.from_array(np.array(0, np.int8), names["w_zero"]),
                              numpy_helper.from_array(scale.astype(np.float32), names["w_scale"]),
                              numpy_helper.from_array(np.array(bound / ACTIVATION_LEVELS, np.float32), names["a_step"]),
                              numpy_helper.from_array(np.array(ACTIVATION_ZERO, np.uint8), names["a_zero"])])
    return [
        helper.make_node("QuantizeLinear", [node.input[0], names["a_step"], names["a_zero"]], [names["a"]],
                         name=prefix + "/int8/quantize"),
        helper.make_node("MatMulIntegerToFloat", [names["a"], names["w"], names["a_step"], names["w_scale"],
                                                  names["a_zero"], names["w_zero"]] + ([bias] if bias else []),
                         list(node.output), domain=ONNXRUNTIME_DOMAIN, name=prefix + "/int8/matmul"),
    ]


def _drop_unused(graph: onnx.GraphProto) -> None:
    """Removes initializers and Cast nodes nothing reads any more (the float weights a conversion replaced)."""
    while True:
        read = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
        dead = [n for n in graph.node if n.op_type == "Cast" and not any(o in read for o in n.output)]
        if not dead:
            break
        for n in dead:
            graph.node.remove(n)
    read = {i for n in graph.node for i in n.input}
    kept = [i for i in graph.initializer if i.name in read]
    del graph.initializer[:]
    graph.initializer.extend(kept)
