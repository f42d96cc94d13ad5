"""Example consumer: reads Alignment records from Kafka and turns their attention into NumPy arrays.

Prints one JSON line per record on stdout: id, subwords, shape, the matrix, its row sums and the Pharaoh links.
A record that cannot be read (not Avro in Confluent's wire format, unknown schema, corrupt attention) is
reported on stderr and skipped, so one bad record does not stop an analytics job.

    PYTHONPATH=schemas/python python3 -m streamlate_alignments.consume --bootstrap-servers localhost:9092 \\
        --schema-registry-url http://localhost:8080/apis/ccompat/v7 --topic alignments
"""
import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Iterator

import numpy as np
from confluent_kafka import Consumer, KafkaException
from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
from confluent_kafka.avro.serializer import SerializerError
from confluent_kafka.avro.serializer.message_serializer import MessageSerializer

from streamlate_alignments.attention import decode_attention


@dataclasses.dataclass(frozen=True)
class AlignmentArrays:
    """One Alignment record with its attention decoded: rows are target subwords, columns source subwords."""

    id: str
    source_subwords: list[str]
    target_subwords: list[str]
    attention: np.ndarray
    links: list[tuple[int, int]]


def attention_matrix(payload: bytes, rows: int, cols: int) -> np.ndarray:
    """The float32 matrix of a payload; a shape other than the record's subword counts means a corrupt record."""
    decoded = decode_attention(payload)
    decoded_cols = len(decoded[0]) if decoded else cols
    if len(decoded) != rows or decoded_cols != cols:
        raise ValueError(f"attention is {len(decoded)} x {decoded_cols}, the subwords are {rows} x {cols}")
    # the decoder's floats are float32 values already, so this conversion is exact
    return np.array(decoded, dtype=np.float32).reshape(rows, cols)


def pharaoh_links(alignment: str) -> list[tuple[int, int]]:
    """Parses 'i-j i-j ...' (source word index first) into pairs."""
    links = []
    for pair in alignment.split():
        source, _, target = pair.partition("-")
        links.append((int(source), int(target)))
    return links


def alignment_arrays(record: dict) -> AlignmentArrays:
    """Converts a decoded Avro Alignment; raises ValueError when its attention does not decode."""
    source, target = record["source_subwords"], record["target_subwords"]
    return AlignmentArrays(
        id=record["id"],
        source_subwords=source,
        target_subwords=target,
        attention=attention_matrix(record["attention"], len(target), len(source)),
        links=pharaoh_links(record["hard_alignment"]),
    )


def json_line(alignment: AlignmentArrays) -> str:
    """One record as JSON; float32 weights are written as the doubles they equal, so they read back exactly."""
    return json.dumps({
        "id": alignment.id,
        "source_subwords": alignment.source_subwords,
        "target_subwords": alignment.target_subwords,
        "shape": list(alignment.attention.shape),
        "attention": alignment.attention.tolist(),
        "row_sums": alignment.attention.sum(axis=1, dtype=np.float32).tolist(),
        "links": [list(link) for link in alignment.links],
    })


def consumer(bootstrap_servers: str, group: str) -> Consumer:
    """A read_committed consumer from the earliest offset: the service writes in exactly-once transactions,
    and aborted records must not be seen."""
    return Consumer({
        "bootstrap.servers": bootstrap_servers,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
    })


def alignments(kafka: Consumer, values: MessageSerializer, max_records: int | None,
               idle_timeout: float) -> Iterator[AlignmentArrays]:
    """Yields decoded records until max_records are read or none arrived for idle_timeout seconds.

    Keys are the service's raw bytes, not Avro, so only values go through the registry.
    """
    read = 0
    last_arrival = time.monotonic()
    while max_records is None or read < max_records:
        if time.monotonic() - last_arrival > idle_timeout:
            return
        message = kafka.poll(0.5)
        if message is None:
            continue
        last_arrival = time.monotonic()
        if message.error():
            print(f"consume error: {message.error()}", file=sys.stderr)
            continue
        where = f"{message.topic()} [{message.partition()}] offset {message.offset()}"
        try:
            alignment = alignment_arrays(values.decode_message(message.value(), is_key=False))
        except (SerializerError, ValueError, KeyError, TypeError) as error:
            print(f"skipping the record at {where}: {error}", file=sys.stderr)
            continue
        read += 1
        yield alignment


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--schema-registry-url", required=True,
                        help="a Confluent-compatible registry, e.g. Apicurio's <apicurio>/apis/ccompat/v7")
    parser.add_argument("--topic", required=True, help="the service's alignments topic")
    parser.add_argument("--group", default="streamlate-alignments-python")
    parser.add_argument("--max-records", type=int, default=None, help="stop after this many records")
    parser.add_argument("--timeout", type=float, default=30, help="stop after this many seconds without records")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Prints the topic's alignments as JSON lines."""
    args = arguments(argv)
    values = MessageSerializer(CachedSchemaRegistryClient({"url": args.schema_registry_url}))
    kafka = consumer(args.bootstrap_servers, args.group)
    try:
        kafka.subscribe([args.topic])
        for alignment in alignments(kafka, values, args.max_records, args.timeout):
            print(json_line(alignment), flush=True)
    except KafkaException as error:
        sys.exit(f"kafka failed: {error}")
    finally:
        kafka.close()


if __name__ == "__main__":
    main()
