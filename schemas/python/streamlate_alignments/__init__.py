"""Python consumers of streamlate's Alignment records: the attention decoder and an example Kafka consumer.

attention needs only the standard library; consume also needs Debian's python3-confluent-kafka, python3-avro
and python3-numpy.
"""
from streamlate_alignments.attention import decode_attention, decode_attention_v1, decode_attention_v2

__all__ = ["decode_attention", "decode_attention_v1", "decode_attention_v2"]
