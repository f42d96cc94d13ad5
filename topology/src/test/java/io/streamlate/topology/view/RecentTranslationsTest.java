package io.streamlate.topology.view;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RecentTranslationsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T01:00:00Z"), ZoneOffset.UTC);

    @Test
    void keepsTheNewestFirstAndForgetsBeyondItsSize() {
        RecentTranslations recent = new RecentTranslations(new ViewSettings(3, 1000), nanos::get, clock);
        for (int i = 1; i <= 5; i++) {
            nanos.addAndGet(1_000_000_000L);
            offer(recent, "s" + i);
        }

        RecentTranslations.Snapshot all = recent.after(0);

        assertThat(all.entries()).extracting(entry -> entry.translation().getId()).containsExactly("s5", "s4", "s3");
        assertThat(all.entries()).extracting(RecentTranslations.Entry::sequence).containsExactly(5L, 4L, 3L);
        assertThat(all.published()).isEqualTo(5);
        assertThat(all.taken()).isEqualTo(5);
        assertThat(recent.after(4).entries()).extracting(RecentTranslations.Entry::sequence).containsExactly(5L);
        assertThat(recent.after(5).entries()).isEmpty();
    }

    @Test
    void aBurstWithinOneSecondsWorthEntersWhole() {
        RecentTranslations recent = new RecentTranslations(new ViewSettings(50, 5), nanos::get, clock);
        for (int i = 0; i < 8; i++) {
            offer(recent, "s" + i);
        }

        assertThat(recent.after(0).taken()).isEqualTo(5);
        nanos.addAndGet(400_000_000L);
        offer(recent, "s8");
        offer(recent, "s9");
        offer(recent, "s10");
        assertThat(recent.after(0).entries()).extracting(entry -> entry.translation().getId())
                .containsExactly("s9", "s8", "s4", "s3", "s2", "s1", "s0");
    }

    @Test
    void aboveItsRateItSamplesAndCountsWhatItSkipped() {
        RecentTranslations recent = new RecentTranslations(new ViewSettings(50, 2), nanos::get, clock);
        for (int i = 0; i < 100; i++) {
            nanos.addAndGet(250_000_000L); // 4 a second offered, 2 a second taken
            offer(recent, "s" + i);
        }

        RecentTranslations.Snapshot snapshot = recent.after(0);

        assertThat(snapshot.published()).isEqualTo(100);
        assertThat(snapshot.taken()).as("a full bucket's two, then every other one").isEqualTo(51);
        assertThat(snapshot.entries()).extracting(entry -> entry.translation().getId()).startsWith("s98", "s96")
                .hasSize(50);
    }

    @Test
    void offKeepsNothing() {
        RecentTranslations recent = new RecentTranslations(ViewSettings.OFF, nanos::get, clock);
        offer(recent, "s0");

        assertThat(recent.after(0).entries()).isEmpty();
        assertThat(recent.after(0).published()).isZero();
    }

    private static void offer(RecentTranslations recent, String id) {
        recent.offer(ViewRecords.translation(id, "I love you"), ViewRecords.alignment(id, "I love you"));
    }
}
