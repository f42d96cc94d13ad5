package io.streamlate.bench.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What was sent and what came out, by sentence number: input {@code i} has id {@code s<i>}, key
 * {@code doc-<i % keys>} and is the {@code i / keys}-th sentence of its key, so per-key order is the order of the
 * sentence numbers. Outputs are counted as a read_committed consumer sees them, with the time it saw them.
 * Thread-safe: the producer and the reader each call their own side.
 */
final class Ledger {

    /** The verdict over one run. */
    record Verdict(int sent, int translated, int lost, int duplicateTranslations, int duplicateAlignments,
                   int orderViolations, int deadLetters) {
    }

    /** The longest wait for the next committed output while inputs were outstanding, and when it began. */
    record Stall(double seconds, double startedAtSecond) {
    }

    private final int keys;
    private final long startNanos;
    private final long[] sentAt;
    private final int[] translations;
    private final int[] alignments;
    private final int[] lastPerKey;
    private final List<long[]> arrivals = new ArrayList<>(); // {nanos, sentence}
    private int sent;
    private int orderViolations;
    private int deadLetters;

    Ledger(int sentences, int keys, long startNanos) {
        this.keys = keys;
        this.startNanos = startNanos;
        this.sentAt = new long[sentences];
        this.translations = new int[sentences];
        this.alignments = new int[sentences];
        this.lastPerKey = new int[keys];
        Arrays.fill(lastPerKey, -1);
    }

    static String id(int sentence) {
        return "s" + sentence;
    }

    String key(int sentence) {
        return "doc-" + sentence % keys;
    }

    static int sentenceOf(String id) {
        return Integer.parseInt(id.substring(1));
    }

    synchronized void sent(int sentence, long nanos) {
        sentAt[sentence] = nanos;
        sent = Math.max(sent, sentence + 1);
    }

    synchronized int sentCount() {
        return sent;
    }

    synchronized void translated(int sentence, long nanos) {
        if (translations[sentence]++ == 0) { // a duplicate counts as a duplicate, not also as out of order
            int key = sentence % keys;
            if (sentence < lastPerKey[key]) {
                orderViolations++;
            }
            lastPerKey[key] = Math.max(lastPerKey[key], sentence);
        }
        arrivals.add(new long[]{nanos, sentence});
    }

    synchronized void aligned(int sentence) {
        alignments[sentence]++;
    }

    synchronized void deadLettered() {
        deadLetters++;
    }

    synchronized int distinctTranslated() {
        int distinct = 0;
        for (int count : translations) {
            distinct += count > 0 ? 1 : 0;
        }
        return distinct;
    }

    synchronized boolean complete() {
        for (int i = 0; i < sent; i++) {
            if (translations[i] == 0 || alignments[i] == 0) {
                return false;
            }
        }
        return sent == sentAt.length;
    }

    synchronized Verdict verdict() {
        int lost = 0;
        int duplicateTranslations = 0;
        int duplicateAlignments = 0;
        for (int i = 0; i < sent; i++) {
            lost += translations[i] == 0 ? 1 : 0;
            duplicateTranslations += Math.max(0, translations[i] - 1);
            duplicateAlignments += Math.max(0, alignments[i] - 1);
        }
        return new Verdict(sent, distinctTranslated(), lost, duplicateTranslations, duplicateAlignments,
                orderViolations, deadLetters);
    }

    /**
     * The longest wait between two committed outputs (or from {@code fromSecond} to the first) among those seen in
     * [{@code fromSecond}, {@code toSecond}), counted only while an input sent before the wait began had no
     * output yet; seconds from the start of the run.
     */
    synchronized Stall longestStall(double fromSecond, double toSecond) {
        long from = startNanos + (long) (fromSecond * 1e9);
        long to = startNanos + (long) (toSecond * 1e9);
        List<long[]> ordered = arrivals.stream().sorted((a, b) -> Long.compare(a[0], b[0])).toList();
        boolean[] out = new boolean[sentAt.length];
        int firstMissing = 0;
        long previous = from;
        long longest = 0;
        long longestStart = from;
        for (long[] arrival : ordered) {
            long at = arrival[0];
            if (at >= from && at < to) {
                boolean outstanding = firstMissing < sent && sentAt[firstMissing] != 0
                        && sentAt[firstMissing] < previous;
                if (outstanding && at - previous > longest) {
                    longest = at - previous;
                    longestStart = previous;
                }
                previous = at;
            }
            out[(int) arrival[1]] = true;
            while (firstMissing < sent && out[firstMissing]) {
                firstMissing++;
            }
        }
        return new Stall(longest / 1e9, (longestStart - startNanos) / 1e9);
    }

    /** The longest time from sending to committed output among the outputs seen in [fromSecond, toSecond). */
    synchronized double worstLatency(double fromSecond, double toSecond) {
        long from = startNanos + (long) (fromSecond * 1e9);
        long to = startNanos + (long) (toSecond * 1e9);
        return arrivals.stream().filter(a -> a[0] >= from && a[0] < to)
                .mapToDouble(a -> (a[0] - sentAt[(int) a[1]]) / 1e9).max().orElse(0);
    }

    /** Seconds from {@code fromSecond} to the first committed output after it; -1 if none came. */
    synchronized double firstOutputAfter(double fromSecond) {
        long from = startNanos + (long) (fromSecond * 1e9);
        return arrivals.stream().mapToLong(a -> a[0]).filter(at -> at >= from).min()
                .stream().mapToDouble(at -> (at - from) / 1e9).findFirst().orElse(-1);
    }
}
