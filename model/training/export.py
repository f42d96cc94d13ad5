"""Export a checkpoint to the two ONNX graphs and the manifest.json the Java engine loads.

    /usr/bin/python3 export.py --checkpoint ../artifacts/en-fr/checkpoint.pt --out ../artifacts/en-fr
    /usr/bin/python3 export.py --variants-only --out DIR   (rewrites DIR's int8 graphs from its float32 ones)

Graphs (opset 14, dynamic batch and length axes):
  encoder.onnx       source_ids [B,S] int64, source_lengths [B] int64
                     -> memory [B,S,M], source_mask [B,S] (1 = token, 0 = pad), decoder_state [B,H]
  decoder_step.onnx  previous_ids [B] int64, decoder_state [B,H], memory [B,S,M], source_mask [B,S]
                     -> log_probs [B,V], decoder_state [B,H], attention [B,S]
  decoder_step_topk.onnx  the same with k [1] int64 as a fifth input
                     -> top_log_probs [B,k], top_ids [B,k] int64, decoder_state, attention
                     (graph_variants.top_k: the engine's fast path; the full graph stays for parity tests)
and the decoder steps' int8 variants (*.int8.onnx, graph_variants.int8), named under "precisions".
Weights are stored as float16 with a Cast to float32 in front: the checkpoint's weights are float16
already, so this is exact and halves the files.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

import graph_variants
import train
from nmt import DecoderStepGraph, EncoderGraph, Seq2Seq

OPSET = 14
FORMAT = "streamlate-attention-model"
FORMAT_VERSION = 1
MAX_SOURCE_LENGTH = 200
SPECIAL_TOKENS = {"pad": train.PAD, "unk": 1, "bos": train.BOS, "eos": train.EOS}
# How the engine reads word links off this model's attention: the rule with the lowest AER on the Hansards gold
# alignments (bench/alignment_aer.py; results in bench/results/alignment-aer-*.md).
LINK_RULE = "threshold=0.4"


def tensor_spec(name: str, dtype: str, shape: list) -> dict:
    return {"name": name, "type": dtype, "shape": shape}


def graph_specs(model: Seq2Seq) -> dict:
    c = model.config
    memory = tensor_spec("memory", "float32", ["batch", "source_length", c.memory_size])
    mask = tensor_spec("source_mask", "float32", ["batch", "source_length"])
    state = tensor_spec("decoder_state", "float32", ["batch", c.decoder_hidden])
    return {
        "encoder": {
            "file": "encoder.onnx",
            "inputs": {"source_ids": tensor_spec("source_ids", "int64", ["batch", "source_length"]),
                       "source_lengths": tensor_spec("source_lengths", "int64", ["batch"])},
            "outputs": {"memory": memory, "source_mask": mask, "decoder_state": state},
        },
        "decoder_step": {
            "file": "decoder_step.onnx",
            "inputs": {"previous_ids": tensor_spec("previous_ids", "int64", ["batch"]),
                       "decoder_state": state, "memory": memory, "source_mask": mask},
            "outputs": {"log_probs": tensor_spec("log_probs", "float32", ["batch", c.target_vocab]),
                        "decoder_state": tensor_spec("next_decoder_state", "float32", ["batch", c.decoder_hidden]),
                        "attention": tensor_spec("attention", "float32", ["batch", "source_length"])},
        },
        "decoder_step_topk": {
            "file": "decoder_step_topk.onnx",
            "inputs": {"previous_ids": tensor_spec("previous_ids", "int64", ["batch"]),
                       "decoder_state": state, "memory": memory, "source_mask": mask,
                       "k": tensor_spec(graph_variants.TOP_K_INPUT, "int64", [1])},
            "outputs": {"top_log_probs": tensor_spec(graph_variants.TOP_VALUES, "float32", ["batch", "k"]),
                        "top_ids": tensor_spec(graph_variants.TOP_IDS, "int64", ["batch", "k"]),
                        "decoder_state": tensor_spec("next_decoder_state", "float32", ["batch", c.decoder_hidden]),
                        "attention": tensor_spec("attention", "float32", ["batch", "source_length"])},
        },
    }


# Precision -> graph role -> file: the variants a model ships beside its float32 graphs.
PRECISIONS = {"int8": {"decoder_step": "decoder_step.int8.onnx", "decoder_step_topk": "decoder_step_topk.int8.onnx"}}


def _dynamic_axes(spec: dict) -> dict:
    axes = {}
    for group in ("inputs", "outputs"):
        for tensor in spec[group].values():
            named = {i: d for i, d in enumerate(tensor["shape"]) if isinstance(d, str)}
            if named:
                axes[tensor["name"]] = named
    return axes


def export_graphs(model: Seq2Seq, out: Path) -> dict:
    model.eval()
    specs = graph_specs(model)
    src = torch.tensor([[5, 6, 7], [8, 9, train.PAD]])
    lengths = torch.tensor([3, 2])
    with torch.no_grad():
        memory, mask, state = model.encoder(src, lengths)
    examples = {
        "encoder": (EncoderGraph(model), (src, lengths)),
        "decoder_step": (DecoderStepGraph(model), (torch.tensor([train.BOS, train.BOS]), state, memory, mask)),
    }
    for role, (module, inputs) in examples.items():
        spec = specs[role]
        path = out / spec["file"]
        torch.onnx.export(module, inputs, str(path), opset_version=OPSET,
                          input_names=[t["name"] for t in spec["inputs"].values()],
                          output_names=[t["name"] for t in spec["outputs"].values()],
                          dynamic_axes=_dynamic_axes(spec), do_constant_folding=True)
        store_weights_as_float16(path)
        onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    step = specs["decoder_step"]
    graph_variants.top_k(out / step["file"], out / specs["decoder_step_topk"]["file"],
                         step["outputs"]["log_probs"]["name"])
    for role, file in PRECISIONS["int8"].items():
        graph_variants.int8(out / specs[role]["file"], out / file)
    return specs


def store_weights_as_float16(path: Path, min_elements: int = 1024) -> None:
    """Large float32 initializers become float16 initializers behind a Cast back to float32."""
    model = onnx.load(str(path))
    graph = model.graph
    casts, kept = [], []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and np.prod(init.dims) >= min_elements:
            values = numpy_helper.to_array(init)
            half = values.astype(np.float16)
            if not np.array_equal(half.astype(np.float32), values):
                raise ValueError(f"{init.name} is not exactly float16; export from an fp16 checkpoint")
            kept.append(numpy_helper.from_array(half, init.name + "_fp16"))
            casts.append(helper.make_node("Cast", [init.name + "_fp16"], [init.name], to=TensorProto.FLOAT,
                                          name="cast_" + init.name))
        else:
            kept.append(init)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.save(model, str(path))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_manifest(out: Path, model: Seq2Seq, history: dict, specs: dict, version: str,
                   link_rule: str = LINK_RULE) -> dict:
    corpus = json.loads((out / "corpus.json").read_text()) if (out / "corpus.json").exists() else {}
    metrics_path = out / "metrics.json"
    scores = json.loads(metrics_path.read_text()) if metrics_path.exists() else None
    tuned = scores["decoding"] if scores and "decoding" in scores else {"beam_size": 4, "length_penalty": 1.0}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": {"id": "streamlate-en-fr", "version": version,
                  "architecture": "biGRU encoder, GRU decoder, Luong general attention",
                  "config": model.config.__dict__},
        "languages": {"source": "en", "target": "fr"},
        "opset": OPSET,
        "graphs": specs,
        "precisions": PRECISIONS,
        "files_sha256": {file: sha256(out / file) for file in
                         [spec["file"] for spec in specs.values()]
                         + [f for variant in PRECISIONS.values() for f in variant.values()]},
        "tokenizer": {"type": "sentencepiece", "source": "source.model", "target": "target.model",
                      "source_suffix": [], "target_prefix": ["bos"], "target_suffix": ["eos"]},
        "special_tokens": SPECIAL_TOKENS,
        "max_source_length": MAX_SOURCE_LENGTH,
        "decoding_defaults": {"beam_size": tuned["beam_size"], "length_penalty": tuned["length_penalty"],
                              "max_length_a": 2.0, "max_length_b": 10, "link_rule": link_rule},
        "corpus": {"sha256": corpus.get("sha256"), "pairs": corpus.get("pairs")},
        "training": {k: history[k] for k in ("steps", "epochs", "target_tokens", "train_seconds")}
                    | {"dev_loss": history["dev_loss"][-1:] if history["dev_loss"] else [],
                       "runs": history["runs"]},
        "metrics": {k: v for k, v in scores.items() if k not in ("tuning",)} if scores else None,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def rewrite_variants(out: Path) -> None:
    """Writes an exported model's derived graphs again from its float32 ones and refreshes the manifest's checksums:
    what a change to graph_variants needs, without re-exporting (the float32 graphs stay byte for byte)."""
    manifest = json.loads((out / "manifest.json").read_text())
    for role, file in PRECISIONS["int8"].items():
        graph_variants.int8(out / manifest["graphs"][role]["file"], out / file)
    manifest["files_sha256"] = {file: sha256(out / file) for file in manifest["files_sha256"]}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", type=Path, default=Path("../artifacts/en-fr/checkpoint.pt"))
    parser.add_argument("--out", type=Path, default=Path("../artifacts/en-fr"))
    parser.add_argument("--version", default=None, help="model version; default: steps trained")
    parser.add_argument("--variants-only", action="store_true",
                        help="only rewrite the int8 graphs of the model in --out from its float32 graphs")
    args = parser.parse_args()
    if args.variants_only:
        rewrite_variants(args.out)
        return
    model, history = train.load(args.checkpoint)
    args.out.mkdir(parents=True, exist_ok=True)
    specs = export_graphs(model, args.out)
    version = args.version or f"1.{history['steps']}"
    write_manifest(args.out, model, history, specs, version)
    for file in [spec["file"] for spec in specs.values()] + list(PRECISIONS["int8"].values()):
        print(f"{file}: {(args.out / file).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
