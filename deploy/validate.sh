#!/usr/bin/env bash
# Checks deploy/ without a Docker engine or a Kubernetes cluster, installing its own tools (cached):
#   - every YAML file parses (strictly: duplicate keys fail);
#   - every Kubernetes manifest, and the rendering of base and each overlay, passes the Kubernetes/KEDA/Prometheus
#     Operator OpenAPI schemas (kubernetes-models); the renderings agree with `kubectl kustomize` where kubectl exists;
#   - the compose files pass the compose-spec schema and dclint's rules; prometheus.yml passes promtool;
#   - the Dockerfiles lint (dockerfile-utils); the topic script and this script pass shellcheck;
#   - cross-file consistency: ports, probe paths, grace periods, KEDA maxReplicaCount against the partitions the
#     topic jobs create, topic names, consumer group, image names, .dockerignore against the Dockerfiles' COPYs.
# Exits non-zero if any check fails. Usage: bash deploy/validate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tools=deploy/validate
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
passed=0
failed=0

apt_updated=""
apt_update() {
  [ -n "$apt_updated" ] || { $sudo apt-get update -qq; apt_updated=1; }
}
apt_install() {
  apt_update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The tools -----------------------------------------------------------------------------------------------------
{ command -v node && command -v npm; } >/dev/null || apt_install nodejs npm
if ! node -e 'const [major, minor] = process.versions.node.split(".").map(Number);
              process.exit(major > 20 || (major === 20 && minor >= 19) ? 0 : 1)'; then
  echo "deploy/validate.sh needs Node.js >= 20.19 (dclint requires it); found $(node --version)" >&2
  exit 1
fi
command -v shellcheck >/dev/null || apt_install shellcheck

lock_hash=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
stamp="$tools/node_modules/.installed-from-lock"
if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  echo "installing the npm tools of $tools/package-lock.json"
  (cd "$tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$lock_hash" > "$stamp"
fi

# promtool only: unpacked from Debian's prometheus package rather than installing it, which would start a server.
promtool="$tools/.tools/promtool"
if [ ! -x "$promtool" ]; then
  echo "unpacking promtool from Debian's prometheus package"
  download=$(mktemp -d)
  apt_update
  (cd "$download" && apt-get download -qq prometheus 2>/dev/null)
  mkdir -p "$tools/.tools"
  dpkg-deb --fsys-tarfile "$download"/prometheus_*.deb | tar -x -C "$download" ./usr/bin/promtool
  mv "$download/usr/bin/promtool" "$promtool"
  rm -rf "$download"
fi

# The checks ----------------------------------------------------------------------------------------------------
step() {
  local description=$1 output
  shift
  if output=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "ok   $description"
  else
    failed=$((failed + 1))
    echo "FAIL $description"
    printf '     %s\n' "${output//$'\n'/$'\n'     }"
  fi
}

# validate.mjs prints an "ok"/"FAIL" line per check; count them with this script's own.
node_output=$(node "$tools/validate.mjs" "$PWD" 2>&1) && node_status=0 || node_status=$?
printf '%s\n' "$node_output"
passed=$((passed + $(grep -c '^ok ' <<<"$node_output" || true)))
failed=$((failed + $(grep -c '^FAIL ' <<<"$node_output" || true)))
if [ "$node_status" -ne 0 ] && ! grep -q '^FAIL ' <<<"$node_output"; then
  failed=$((failed + 1))
  echo "FAIL deploy/validate/validate.mjs exited with $node_status"
fi

step "dclint (compose-spec schema + rules): deploy/compose/compose.yaml, compose.gpu.yaml" \
  "$tools/node_modules/.bin/dclint" --config deploy/compose/.dclintrc.yaml --max-warnings 0 --color false \
  deploy/compose/compose.yaml deploy/compose/compose.gpu.yaml
for dockerfile in deploy/docker/Dockerfile deploy/docker/Dockerfile.cuda; do
  step "dockerfile-utils lint: $dockerfile" "$tools/node_modules/.bin/dockerfile-utils" lint "$dockerfile"
done
step "promtool check config: deploy/compose/prometheus.yml" "$promtool" check config deploy/compose/prometheus.yml
step "shellcheck: deploy/k8s/base/create-topics.sh, deploy/validate.sh" \
  shellcheck deploy/k8s/base/create-topics.sh deploy/validate.sh

echo "deploy/validate.sh finished in ${SECONDS}s"
echo "deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
