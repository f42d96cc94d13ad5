#!/usr/bin/env bash
# Rebuild the default English->French model in one command, on a fresh Debian machine:
#   corpus -> vocabulary -> training -> evaluation -> ONNX export + manifest, into model/artifacts/en-fr.
#
#   model/training/build.sh [--fresh] [--minutes N] [--lr PEAK] [--device cuda]
#
# By default training resumes from the committed checkpoint, so every run improves the shipped model;
# --fresh rebuilds the vocabulary and starts from random weights. --minutes bounds training time (240),
# --lr is the run's peak learning rate (1e-3 resumed; use 1.5e-3 with --fresh).
set -euo pipefail
cd "$(dirname "$0")"
fresh=0 minutes=240 lr=1e-3 device=cpu
while [ $# -gt 0 ]; do
  case $1 in
    --fresh) fresh=1 ;;
    --minutes) minutes=$2; shift ;;
    --lr) lr=$2; shift ;;
    --device) device=$2; shift ;;
    *) echo "unknown option $1 (expected --fresh, --minutes N, --lr PEAK, --device cpu|cuda)" >&2; exit 2 ;;
  esac
  shift
done
python=/usr/bin/python3
out=../artifacts/en-fr
bash install-deps.sh
# Measured on the 2-core build machine: OpenBLAS on 2 threads beside torch's 1 is the fastest mix.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}

echo "== corpus"
$python build_corpus.py --work work --out "$out" --testsets testsets
if [ $fresh -eq 1 ]; then
  rm -f "$out/checkpoint.pt"
fi
if [ $fresh -eq 1 ] || [ ! -f "$out/source.model" ]; then
  echo "== vocabulary"
  bash build_vocab.sh work/corpus "$out" 8000
fi
echo "== statistical word alignments (targets of the guided-alignment loss)"
$python ibm_align.py --corpus work/corpus --vocab "$out" --out work/corpus/train.align
# Train a working copy; the published checkpoint is replaced only by the averaged result, and the one
# it started from is scored beside it on the same test sentences.
rm -rf work/snapshots work/checkpoint.pt work/previous.pt
previous=()
if [ -f "$out/checkpoint.pt" ]; then
  cp "$out/checkpoint.pt" work/checkpoint.pt
  cp "$out/checkpoint.pt" work/previous.pt
  previous=(--previous work/previous.pt)
fi
echo "== training (${minutes} min budget, $device)"
$python train.py --corpus work/corpus --vocab "$out" --checkpoint work/checkpoint.pt --snapshots work/snapshots \
  --max-minutes "$minutes" --lr "$lr" --device "$device" --alignments work/corpus/train.align --guided-weight 0.5
echo "== checkpoint averaging"
$python average.py --snapshots work/snapshots --last 5 --corpus work/corpus --vocab "$out" --out "$out/checkpoint.pt"
echo "== evaluation (decoding tuned on dev, both test slices)"
$python evaluate.py --checkpoint "$out/checkpoint.pt" --corpus work/corpus --testsets testsets --out "$out" "${previous[@]}"
echo "== export"
$python export.py --checkpoint "$out/checkpoint.pt" --out "$out"
$python make_fixture.py --vocab "$out" --out ../src/test/resources/tiny-en-fr
du -ch "$out"/*.onnx "$out"/*.model "$out"/checkpoint.pt | tail -1
