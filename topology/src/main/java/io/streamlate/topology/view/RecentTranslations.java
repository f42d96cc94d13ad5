package io.streamlate.topology.view;

import io.streamlate.schemas.avro.Alignment;
import io.streamlate.schemas.avro.Translation;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The live view's window: the most recent translations this instance published, bounded in number and sampled in
 * rate ({@link ViewSettings}), in memory only. The rate limit is a token bucket holding one second's worth, so a
 * batch's translations, which are published together, all enter at a low rate, and above the rate the window takes
 * {@code maxPerSecond} a second. {@link #offer} runs on stream threads for every translation, so it only does that
 * arithmetic and, for a taken one, appends a reference; the JSON is built when a browser asks.
 */
public final class RecentTranslations {

    /** A translation in the window; {@code sequence} grows by one per entry, so a poller asks for what is newer. */
    public record Entry(long sequence, Instant publishedAt, Translation translation, Alignment alignment) {
    }

    /**
     * What a poller gets: the entries newer than its sequence, newest first, and how many translations this
     * instance published since start against how many the window took.
     */
    public record Snapshot(List<Entry> entries, long published, long taken) {
    }

    private final ViewSettings settings;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final double capacity;
    private final ArrayDeque<Entry> window = new ArrayDeque<>();
    private long published;
    private long taken;
    private double tokens;
    private long refilledAtNanos;

    public RecentTranslations(ViewSettings settings) {
        this(settings, System::nanoTime, Clock.systemUTC());
    }

    RecentTranslations(ViewSettings settings, LongSupplier nanoTime, Clock clock) {
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.capacity = Math.max(1, settings.maxPerSecond());
        this.tokens = capacity;
        this.refilledAtNanos = nanoTime.getAsLong();
    }

    public ViewSettings settings() {
        return settings;
    }

    /** Takes the translation into the window unless the view is off or the rate limit has no token left. */
    public void offer(Translation translation, Alignment alignment) {
        if (!settings.enabled()) {
            return;
        }
        long now = nanoTime.getAsLong();
        synchronized (this) {
            published++;
            tokens = Math.min(capacity, tokens + (now - refilledAtNanos) / 1e9 * settings.maxPerSecond());
            refilledAtNanos = now;
            if (tokens < 1) {
                return;
            }
            tokens--;
            taken++;
            window.addFirst(new Entry(taken, clock.instant(), translation, alignment));
            if (window.size() > settings.size()) {
                window.removeLast();
            }
        }
    }

    /** The entries with a sequence above {@code after}, newest first (all of them for {@code after} = 0). */
    public synchronized Snapshot after(long after) {
        List<Entry> newer = new ArrayList<>();
        for (Iterator<Entry> entries = window.iterator(); entries.hasNext(); ) {
            Entry entry = entries.next();
            if (entry.sequence() <= after) {
                break;
            }
            newer.add(entry);
        }
        return new Snapshot(List.copyOf(newer), published, taken);
    }
}
