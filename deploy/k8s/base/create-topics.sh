#!/usr/bin/env bash
# Creates streamlate's topics; safe to run again (--if-not-exists). The service never creates them, so this runs
# once before the workers: the compose stack's create-topics service and the Kubernetes Job both run this file.
# The input topic's partition count bounds parallelism (one partition is consumed by one worker at a time); the
# outputs get as many so that keyed consumers downstream can scale the same way.
set -euo pipefail

: "${STREAMLATE_KAFKA_BOOTSTRAP_SERVERS:?bootstrap servers, e.g. kafka:9092}"
: "${STREAMLATE_TOPIC_INPUT:?}" "${STREAMLATE_TOPIC_TRANSLATIONS:?}" "${STREAMLATE_TOPIC_ALIGNMENTS:?}"
: "${STREAMLATE_TOPIC_DEAD_LETTER:?}"
: "${TOPIC_PARTITIONS:?partitions of the input and output topics}"
: "${DEAD_LETTER_PARTITIONS:?partitions of the dead-letter topic}"
: "${TOPIC_REPLICATION_FACTOR:?replication factor of every topic}"

# Secured clusters: the same STREAMLATE_KAFKA_SECURITY_PROTOCOL / _SASL_* / _SSL_* / _CONFIG_PROVIDERS* variables the
# workers read (the Secret of deploy/k8s/base/secret.example.yaml, or overlays/secured's ConfigMap, whose
# ${directory:...} references the admin client resolves itself) become the admin client's properties, in a file
# only we can read. Same mapping as the service: lower case, __ -> _, _ -> .
client_config=()
if [ -n "${STREAMLATE_KAFKA_SECURITY_PROTOCOL:-}" ]; then
  properties=$(mktemp)
  for name in $(compgen -v STREAMLATE_KAFKA_); do
    key=${name#STREAMLATE_KAFKA_}
    case "$key" in
      SECURITY_PROTOCOL | SASL_* | SSL_* | CONFIG_PROVIDERS*)
        key=${key,,}; key=${key//__/$'\x01'}; key=${key//_/.}
        echo "${key//$'\x01'/_}=${!name}" ;;
    esac
  done > "$properties"
  client_config=(--command-config "$properties")
fi

create() {
  kafka-topics --bootstrap-server "$STREAMLATE_KAFKA_BOOTSTRAP_SERVERS" "${client_config[@]}" \
    --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor "$TOPIC_REPLICATION_FACTOR"
}

create "$STREAMLATE_TOPIC_INPUT" "$TOPIC_PARTITIONS"
create "$STREAMLATE_TOPIC_TRANSLATIONS" "$TOPIC_PARTITIONS"
create "$STREAMLATE_TOPIC_ALIGNMENTS" "$TOPIC_PARTITIONS"
create "$STREAMLATE_TOPIC_DEAD_LETTER" "$DEAD_LETTER_PARTITIONS"

kafka-topics --bootstrap-server "$STREAMLATE_KAFKA_BOOTSTRAP_SERVERS" "${client_config[@]}" --describe \
  --topic "$STREAMLATE_TOPIC_INPUT"
