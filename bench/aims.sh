#!/usr/bin/env bash
# The speed aims in one command: the engine benchmark (every variant greedy and beam 4 at batch 1 and 64, the sgemm
# peak and the bound, int8 / float32, BLEU and chrF of both precisions), then the pipeline benchmark (pipeline /
# bare micro-batcher through the broker, p99 at half the throughput against its bound, where the latency goes).
# Each prints its ratios and writes its report under bench/results (engine-DATE.md, pipeline-DATE.md); ~15 min.
#
#   bash bench/aims.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q install -DskipTests
mvn -q -pl bench exec:java -Dexec.args="-n 120 --batch-sizes 1,64 --max-warmups 8 --tolerance 0.1 --threads 2 \
--quality model/training/testsets/software.tsv --quality model/training/testsets/dialogue.tsv"
mvn -q -pl bench exec:java -Dexec.mainClass=io.streamlate.bench.PipelineBenchmark \
  -Dexec.args="--no-sweep --latency-seconds 45"
