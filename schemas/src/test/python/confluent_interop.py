"""Confluent's own Python client on the other side of streamlate's Avro serdes.

Reads one record from --read-topic with AvroConsumer (a record the Java serializer wrote) and prints it as JSON
on stdout, then writes one SentenceEvent with AvroProducer to --write-topic for the Java deserializer to read.
Run by ConfluentPythonInteropTest with Debian's python3-confluent-kafka and python3-avro.
"""
import argparse
import datetime
import json
import sys

from confluent_kafka import avro
from confluent_kafka.avro import AvroConsumer, AvroProducer


def read_one(args):
    consumer = AvroConsumer({
        "bootstrap.servers": args.bootstrap_servers,
        "schema.registry.url": args.registry_url,
        "group.id": "confluent-python-interop",
        "auto.offset.reset": "earliest",
    })
    try:
        consumer.subscribe([args.read_topic])
        deadline = datetime.datetime.now() + datetime.timedelta(seconds=args.timeout)
        while datetime.datetime.now() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                raise RuntimeError(f"consume failed: {message.error()}")
            return message.value()
        raise TimeoutError(f"no record on {args.read_topic} within {args.timeout} s")
    finally:
        consumer.close()


def write_one(args):
    with open(args.schema) as schema_file:
        value_schema = avro.loads(schema_file.read())
    producer = AvroProducer({
        "bootstrap.servers": args.bootstrap_servers,
        "schema.registry.url": args.registry_url,
    }, default_value_schema=value_schema)
    producer.produce(topic=args.write_topic, value={
        "id": "py-1",
        "text": "Written by Confluent's Python client.",
        "source_language": "en",
        "target_language": "de",
        "document_id": None,
        "position": 7,
        # python3-avro writes timestamp-millis from a timezone-aware datetime
        "event_time": datetime.datetime(2025, 3, 1, 12, 0, 0, 123000, tzinfo=datetime.timezone.utc),
        "metadata": {"client": "confluent-kafka-python"},
    })
    if producer.flush(args.timeout) != 0:
        raise TimeoutError(f"record to {args.write_topic} not delivered within {args.timeout} s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap-servers", required=True)
    parser.add_argument("--registry-url", required=True)
    parser.add_argument("--read-topic", required=True)
    parser.add_argument("--write-topic", required=True)
    parser.add_argument("--schema", required=True, help="the SentenceEvent .avsc to write with")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()

    record = read_one(args)
    write_one(args)
    json.dump(record, sys.stdout, default=str, sort_keys=True)


if __name__ == "__main__":
    main()
