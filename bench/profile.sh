#!/usr/bin/env bash
# Where the engine's time goes: a JDK Flight Recorder profile of the engine benchmark's float32 runs (top-k step and
# full distribution, greedy and beam 4, batch 64), summarised with the JDK's own `jfr` views into
# bench/results/profile-DATE.md. Native samples are the stream of time inside ONNX Runtime (OrtSession.run);
# execution samples are the time in Java (search, copies, gathers), with allocation by site beside them.
#
#   mvn -q install -DskipTests && [SENTENCES=200] bash bench/profile.sh [EngineBenchmark options, e.g. --model DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
jfr_tool=/usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr  # `jfr view` needs JDK 21+; it reads JDK 17 recordings
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mvn -q -B -pl bench dependency:build-classpath -Dmdep.outputFile="$work/cp.txt"
report=bench/results/profile-$(date -u +%F).md
run() {  # $1: label, then EngineBenchmark arguments
  local label=$1; shift
  java -XX:StartFlightRecording:filename="$work/$label.jfr",settings=profile \
    -cp "bench/target/classes:$(cat "$work/cp.txt")" io.streamlate.bench.EngineBenchmark \
    -n "${SENTENCES:-200}" --batch-sizes 64 --beam-sizes 1,4 --threads 2 --no-torch --out "$work" "$@" >&2
}
summarise() {  # $1: label
  local rec="$work/$1.jfr"
  local ort java
  # the torch subprocess that measures the sgemm peak is waited on natively too; only OrtSession.run counts
  ort=$("$jfr_tool" view --width 300 native-methods "$rec" | awk '/OrtSession\.run\(long/ {print $NF}')
  java=$("$jfr_tool" summary "$rec" | awk '$1 == "jdk.ExecutionSample" {print $2}')
  echo "## $1"
  echo
  echo "Thread samples: ${ort:-0} inside ONNX Runtime (OrtSession.run), $java in Java code (everything: search,"
  echo "copies, tokenising, start-up), so Java is at most $(awk -v o="${ort:-0}" -v j="$java" \
    'BEGIN {printf "%.1f", 100 * j / (o + j)}')% of the engine's thread time."
  echo
  echo '```'
  "$jfr_tool" view --width 160 native-methods "$rec" | head -20
  echo
  "$jfr_tool" view --width 160 hot-methods "$rec" | head -30
  echo
  "$jfr_tool" view --width 160 allocation-by-site "$rec" | head -20
  echo '```'
  echo
}
run topk --variants FLOAT32 "$@"
run full --variants FULL "$@"
{
  echo "# Engine profile (JFR), $(date -u +%F)"
  echo
  echo "Command: \`mvn -q install -DskipTests && SENTENCES=${SENTENCES:-200} bash bench/profile.sh $*\`; $(nproc) cores;"
  echo "the engine benchmark's first ${SENTENCES:-200} test sentences, batch 64, greedy then beam 4, 2 ORT threads."
  echo
  summarise topk
  summarise full
} > "$report"
echo "written to $report"
