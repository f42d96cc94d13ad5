#!/usr/bin/env bash
# Rebuild the default English->French model in one command, on a fresh Debian machine:
#   corpus -> vocabulary -> training -> evaluation -> ONNX export + manifest, into model/artifacts/en-fr.
#
#   model/training/build.sh [--fresh] [--minutes N] [--device cuda]
#
# By default training resumes from the committed checkpoint, so every run improves the shipped model;
# --fresh rebuilds the vocabulary and starts from random weights. --minutes bounds training time (100).
set -euo pipefail
cd "$(dirname "$0")"
fresh=0 minutes=100 device=cpu
while [ $# -gt 0 ]; do
  case $1 in
    --fresh) fresh=1 ;;
    --minutes) minutes=$2; shift ;;
    --device) device=$2; shift ;;
    *) echo "unknown option $1 (expected --fresh, --minutes N, --device cpu|cuda)" >&2; exit 2 ;;
  esac
  shift
done
python=/usr/bin/python3
out=../artifacts/en-fr
bash install-deps.sh
# Measured on the 2-core build machine: OpenBLAS on 2 threads beside torch's 1 is the fastest mix.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}

echo "== corpus"
$python build_corpus.py --work work --out "$out"
if [ $fresh -eq 1 ]; then
  rm -f "$out/checkpoint.pt"
fi
if [ $fresh -eq 1 ] || [ ! -f "$out/source.model" ]; then
  echo "== vocabulary"
  bash build_vocab.sh work/corpus "$out" 8000
fi
echo "== training (${minutes} min budget, $device)"
$python train.py --corpus work/corpus --vocab "$out" --checkpoint "$out/checkpoint.pt" \
  --max-minutes "$minutes" --device "$device"
echo "== evaluation"
$python evaluate.py --checkpoint "$out/checkpoint.pt" --corpus work/corpus --out "$out"
echo "== export"
$python export.py --checkpoint "$out/checkpoint.pt" --out "$out"
$python make_fixture.py --vocab "$out" --out ../src/test/resources/tiny-en-fr
du -ch "$out"/*.onnx "$out"/*.model "$out"/checkpoint.pt | tail -1
