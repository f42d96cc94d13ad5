"""Decoders of the compressed attention format of the Alignment event (schemas/README.md, versions 1 and 2).

schemas/README.md prints decode_attention_v2 and decode_attention_v1 as excerpts of this file, so the spec and
the code cannot drift: ReadmeDecoderTest checks that, and compares both with the Java AttentionDecoder bit for
bit on hundreds of payloads. Weights are Python floats holding float32 values, exactly what Java decodes.
"""
import struct
import zlib


def decode_attention(payload: bytes) -> list[list[float]]:
    """Decodes either version, chosen by the first byte as Alignment.attention_codec_version repeats it."""
    if not payload:
        raise ValueError("empty attention payload")
    if payload[0] == 1:
        return decode_attention_v1(payload)
    if payload[0] == 2:
        return decode_attention_v2(payload)
    raise ValueError(f"unsupported attention codec version {payload[0]}; this decoder reads versions 1 and 2")


def decode_attention_v2(payload: bytes) -> list[list[float]]:
    """Decodes a version 2 payload; raises ValueError, never returns partial data, on any broken one."""
    if not payload or payload[0] != 2:
        raise ValueError("not an attention codec version 2 payload")
    rows, pos = _varint(payload, 1, "truncated header")
    cols, pos = _varint(payload, pos, "truncated header")
    if rows * max(cols, 1) > 1 << 20:
        raise ValueError("matrix too large")
    if rows == 0 or cols == 0:
        if pos != len(payload):
            raise ValueError("bytes follow the header of an empty matrix")
        return [[0.0] * cols for _ in range(rows)]

    def next_byte() -> int:
        nonlocal pos
        if pos >= len(payload):
            raise ValueError("truncated")
        pos += 1
        return payload[pos - 1]

    rng, code = 0xFFFFFFFF, 0
    for _ in range(4):
        code = (code << 8) | next_byte()

    def normalise() -> None:
        nonlocal rng, code
        while rng < 1 << 24:
            rng = (rng << 8) & 0xFFFFFFFF
            code = ((code << 8) | next_byte()) & 0xFFFFFFFF

    def bit(probs: list[int], i: int) -> int:
        nonlocal rng, code
        bound = (rng >> 11) * probs[i]
        if code < bound:
            rng = bound; probs[i] += (2048 - probs[i]) >> 5; b = 0
        else:
            code -= bound; rng -= bound; probs[i] -= probs[i] >> 5; b = 1
        normalise()
        return b

    def direct(n: int) -> int:
        nonlocal rng, code
        value = 0
        for _ in range(n):
            rng >>= 1
            b = 1 if code >= rng else 0
            if b:
                code -= rng
            value = (value << 1) | b
            normalise()
        return value

    def unsigned(ctx: list[int], most: int) -> int:
        length, max_length = 0, (most + 1).bit_length() - 1
        while bit(ctx, 2 + min(length, 7)):
            length += 1
            if length > max_length:
                raise ValueError("integer out of range")
        n = (1 << length | direct(length)) - 1
        if n > most:
            raise ValueError("integer out of range")
        return n

    def signed(ctx: list[int], most: int) -> int:
        if not bit(ctx, 0):
            return 0
        negative = bit(ctx, 1)
        magnitude = unsigned(ctx, max(0, most - 1)) + 1
        return -magnitude if negative else magnitude

    def below(x: float) -> float:  # the float32 just below a positive float32
        return struct.unpack("<f", struct.pack("<I", struct.unpack("<I", struct.pack("<f", x))[0] - 1))[0]

    shift = [885, 722, 1223, 1479, 1637, 1624, 1092, 1775, 1365, 1024]
    residual = [207, 31, 566, 1858, 1818, 1311, 1463, 1820, 1024, 1024]
    flags = [399, 1024, 677, 1642, 913, 1950, 466, 1024, 863, 1752, 880, 1913]
    levels = [[1024, 1024, 78, 349, 578, 852, 1347, 2017, 1024, 1024],
              [1024, 1024, 231, 594, 809, 1061, 1530, 2017, 1024, 1024],
              [1024, 1024, 549, 873, 1019, 1225, 1677, 2017, 1024, 1024]]
    matrix, previous = [], -1
    for _ in range(rows):
        a = previous + 1 + signed(shift, cols)
        if not 0 <= a < cols:
            raise ValueError("argmax column out of range")
        q = [0] * cols
        for side, columns in ((0, range(a + 1, cols)), (1, range(a - 1, -1, -1))):
            z = 0
            for c in columns:
                d = min(abs(c - a), 3)
                if bit(flags, (3 * side + d - 1) * 2 + z):
                    q[c] = 1 + unsigned(levels[d - 1], 126)
                z = 1 if q[c] == 0 else 0
        others = sum(q)
        q[a] = max(0, min(127, 128 - others)) + signed(residual, 127)
        if not max(q) <= q[a] <= 127:
            raise ValueError("argmax level out of range")
        top = _f32(1 / 255) if q[a] == 0 else _f32(2 * q[a] / 255)
        row = [_f32(2 * level / 255) for level in q]
        row[a] = top
        for c in range(a):
            if q[c] == q[a] > 0:
                row[c] = below(top)
        matrix.append(row)
        previous = a
    if pos != len(payload) or code != 0:
        raise ValueError("corrupt: the range coder does not end where the payload does")
    return matrix


def _f32(x: float) -> float:
    """The float32 nearest x, as a Python float: what Java's (float) cast gives."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def _varint(data: bytes, pos: int, truncated: str) -> tuple[int, int]:
    """The unsigned LEB128 integer (below 2^31) at data[pos]; returns it and the position after it."""
    value = 0
    for shift in range(0, 35, 7):
        if pos >= len(data):
            raise ValueError(truncated)
        byte = data[pos]; pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            if value >= 1 << 31:
                break
            return value, pos
    raise ValueError("varint is not below 2^31")


def decode_attention_v1(payload: bytes) -> list[list[float]]:
    """Decodes a version 1 payload, still on the topics; raises ValueError on any broken one."""
    if not payload or payload[0] != 1:
        raise ValueError("not an attention codec version 1 payload")
    max_body = 8 << 20
    inflater = zlib.decompressobj()
    try:
        body = inflater.decompress(payload[1:], max_body + 1)
    except zlib.error as e:
        raise ValueError(f"invalid zlib stream: {e}") from e
    if len(body) > max_body:
        raise ValueError("body inflates beyond 8 MiB")
    if not inflater.eof:
        raise ValueError("truncated zlib stream")
    if inflater.unused_data:
        raise ValueError("bytes follow the zlib stream")
    pos = 0
    header = []
    for _ in range(4):
        value, pos = _varint(body, pos, "truncated body")
        header.append(value)
    rows, cols, mass_permille, max_kept = header
    if rows * max(cols, 1) > 1 << 20:
        raise ValueError("matrix too large")
    if not 1 <= mass_permille <= 1000 or max_kept < 1:
        raise ValueError("keep parameters out of range")
    matrix = [[0.0] * cols for _ in range(rows)]
    for r in range(rows if cols else 0):
        k, pos = _varint(body, pos, "truncated body")
        if not 1 <= k <= min(cols, max_kept):
            raise ValueError("kept count out of range")
        columns, c = [], -1
        for _ in range(k):
            gap, pos = _varint(body, pos, "truncated body")
            c += gap + 1
            if c >= cols:
                raise ValueError("column out of range")
            columns.append(c)
        if len(body) - pos < k:
            raise ValueError("truncated body")
        for c in columns:
            matrix[r][c] = _f32(body[pos] / 255); pos += 1
    if pos != len(body):
        raise ValueError("bytes follow the last row")
    return matrix
