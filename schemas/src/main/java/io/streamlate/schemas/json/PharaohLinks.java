package io.streamlate.schemas.json;

import io.streamlate.schemas.InvalidPayloadException;
import io.streamlate.schemas.InvalidPayloadException.Reason;

import java.util.ArrayList;
import java.util.List;

/** Reads a Pharaoh alignment string ({@code "0-0 1-2"}: source word, target word) into {@code [source, target]}. */
public final class PharaohLinks {

    private PharaohLinks() {
    }

    /** @throws InvalidPayloadException naming the first link that is not {@code i-j} with i, j ≥ 0 */
    public static List<int[]> parse(String pharaoh) {
        List<int[]> links = new ArrayList<>();
        for (String link : pharaoh.trim().split("\\s+")) {
            if (link.isEmpty()) {
                continue;
            }
            int dash = link.indexOf('-');
            try {
                int source = Integer.parseInt(link.substring(0, Math.max(dash, 0)));
                int target = Integer.parseInt(link.substring(dash + 1));
                if (source < 0 || target < 0) {
                    throw new NumberFormatException("negative");
                }
                links.add(new int[] {source, target});
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new InvalidPayloadException(Reason.CORRUPT, "'" + link + "' in hard_alignment is not a "
                        + "Pharaoh link i-j");
            }
        }
        return links;
    }
}
