package io.streamlate.model.decoding;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The sentences of one search that wait for a place in its batch, shortest source first, as the sub-batch planner
 * sorts: every row of a step reads its encoder memory padded to the longest live source, so the batch holds
 * sentences of similar length, and the places of finished ones go to the next in length. Longest first, which
 * starts the sentences that need the most steps early, made beam search 0.74x as fast as sub-batches (1,000
 * sentences, interleaved runs): short sentences then read long ones' padding at every step.
 */
final class SentenceQueue {

    private final int[] lengths;
    private final int[] order;
    private final BatchCapacity capacity;
    private int next;

    SentenceQueue(int[][] sources, BatchCapacity capacity) {
        this.lengths = new int[sources.length];
        for (int i = 0; i < sources.length; i++) {
            lengths[i] = sources[i].length;
        }
        this.order = IntStream.range(0, sources.length).boxed()
                .sorted(Comparator.comparingInt((Integer i) -> lengths[i])) // stable: equal lengths in input order
                .mapToInt(Integer::intValue).toArray();
        this.capacity = capacity;
    }

    boolean isEmpty() {
        return next == order.length;
    }

    /** Whether the next sentence fits beside {@code live} sentences whose longest source has {@code longest}. */
    boolean nextFits(int live, int longest) {
        return !isEmpty() && capacity.admits(live, longest, lengths[order[next]]);
    }

    /**
     * Takes the sentences that fit beside {@code live} sentences whose longest source has {@code longest}, in queue
     * order, stopping at the first that does not.
     */
    int[] take(int live, int longest) {
        List<Integer> taken = new ArrayList<>();
        int count = live;
        int widest = longest;
        while (nextFits(count, widest)) {
            int sentence = order[next++];
            taken.add(sentence);
            count++;
            widest = Math.max(widest, lengths[sentence]);
        }
        return taken.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The sources of {@code sentences}, in that order: what the search encodes when it admits them. */
    static int[][] sourcesOf(int[][] sources, int[] sentences) {
        int[][] selected = new int[sentences.length][];
        for (int i = 0; i < sentences.length; i++) {
            selected[i] = sources[sentences[i]];
        }
        return selected;
    }

    /**
     * Whether enough rows are free to admit sentences now: a quarter of the capacity (as the searches' shrink rule,
     * so an admission's encoder run has company), or any free row once nothing is live.
     */
    boolean worthAdmitting(int live, int longest) {
        int freeSentences = capacity.sentences() - live;
        boolean enoughFree = live == 0 || freeSentences >= Math.max(1, capacity.sentences() / 4);
        return enoughFree && nextFits(live, longest);
    }
}
