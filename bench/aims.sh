#!/usr/bin/env bash
# The speed aims in one command: the engine benchmark on the issue's 200 test sentences (every variant greedy and
# beam 4 at batch 1 and 64, PyTorch eager, the sgemm peak and the bound, int8 / float32, BLEU and chrF of both
# precisions), the same engine at steady state (1,000 sentences: a long run, where the last sub-batch's tail weighs
# little), the two precisions again with one ONNX Runtime thread per call (the service's layout: 2 workers, 1 thread
# each; this machine's two vCPUs give one core's sgemm throughput, which int8 already saturates on one), then the
# pipeline benchmark (pipeline / bare micro-batcher through the broker, p99 at half the
# throughput against its bound, where the latency goes). Each prints its ratios and writes its report under
# bench/results (engine-DATE.md, engine-DATE-1000.md,
# engine-DATE-1000-1-thread.md, pipeline-DATE.md); ~30 min.
#
#   bash bench/aims.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q install -DskipTests
mvn -q -pl bench exec:java -Dexec.args="-n 200 --batch-sizes 1,64 --max-warmups 8 --tolerance 0.1 --threads 2 \
--quality model/training/testsets/software.tsv --quality model/training/testsets/dialogue.tsv"
mvn -q -pl bench exec:java -Dexec.args="-n 1000 --batch-sizes 1,64 --variants FLOAT32,INT8 --no-torch --max-warmups 8 \
--tolerance 0.1 --threads 2 --label 1000"
mvn -q -pl bench exec:java -Dexec.args="-n 1000 --batch-sizes 64 --variants FLOAT32,INT8 --no-torch --max-warmups 8 \
--tolerance 0.1 --threads 1 --label 1000-1-thread"
mvn -q -pl bench exec:java -Dexec.mainClass=io.streamlate.bench.PipelineBenchmark \
  -Dexec.args="--no-sweep --latency-seconds 45"
