#!/usr/bin/env bash
# SentencePiece vocabularies (Debian's spm_train), one per language, from the training split only.
#   build_vocab.sh CORPUS_DIR OUT_DIR [VOCAB_SIZE]
set -euo pipefail
corpus=$1 out=$2 size=${3:-8000}
mkdir -p "$out"
cut -f1 "$corpus/train.tsv" > "$corpus/train.en"
cut -f2 "$corpus/train.tsv" > "$corpus/train.fr"
for side in source:en target:fr; do
  name=${side%%:*} lang=${side##*:}
  spm_train --input="$corpus/train.$lang" --model_prefix="$out/$name" --vocab_size="$size" \
    --model_type=unigram --character_coverage=1.0 --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3 \
    --input_sentence_size=1000000 --shuffle_input_sentence=true --num_threads=2 --minloglevel=1 &
done
wait
rm -f "$out"/source.vocab "$out"/target.vocab
