package io.streamlate.schemas.alignment;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Leb128Test {

    @ParameterizedTest
    @CsvSource({"0, 00", "127, 7f", "128, 8001", "980, d407", "16383, ff7f", "16384, 808001",
            "2147483647, ffffffff07"})
    void writesLeastSignificantGroupFirstAndReadsItBack(int value, String hex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Leb128.write(out, value);

        assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo(hex);
        ByteBuffer in = ByteBuffer.wrap(out.toByteArray());
        assertThat(Leb128.read(in, "value")).isEqualTo(value);
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void aVarintCutShortIsTruncated() {
        assertThatThrownBy(() -> Leb128.read(ByteBuffer.wrap(new byte[] {(byte) 0x80}), "the count"))
                .isInstanceOfSatisfying(InvalidPayloadException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
                .hasMessageContaining("ends inside the count");
    }

    @Test
    void negativeValuesCannotBeWritten() {
        assertThatThrownBy(() -> Leb128.write(new ByteArrayOutputStream(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
