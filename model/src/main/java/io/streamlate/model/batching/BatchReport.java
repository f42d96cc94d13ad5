package io.streamlate.model.batching;

import io.streamlate.model.LanguagePair;

import java.time.Duration;

/**
 * One finished batch, for {@link BatchListener#batchCompleted}.
 *
 * @param batchId        sequence number, unique per batcher
 * @param pair           the language pair all its items share
 * @param reason         which rule closed it
 * @param sentences      items in it
 * @param sourceTokens   sum of the items' source tokens
 * @param paddedTokens   longest source x sentences, what maxTokens bounds
 * @param oldestWait     queue wait of its first item (submit to batch start)
 * @param inference      engine time for the batch
 * @param translated     items that came back TRANSLATED (the rest FAILED, or ABANDONED when closing)
 * @param targetTokens   sum of the TRANSLATED items' target subwords, EOS excluded
 */
public record BatchReport(long batchId, LanguagePair pair, CloseReason reason, int sentences, int sourceTokens,
                          int paddedTokens, Duration oldestWait, Duration inference, int translated,
                          int targetTokens) {
}
