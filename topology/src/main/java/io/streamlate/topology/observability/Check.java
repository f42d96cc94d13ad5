package io.streamlate.topology.observability;

import java.util.Objects;

/**
 * One named condition of a health verdict.
 *
 * @param name    what was checked, e.g. {@code streams}
 * @param passing whether it holds
 * @param detail  what was observed, for the person reading the probe's body, e.g. {@code REBALANCING}
 */
public record Check(String name, boolean passing, String detail) {

    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
    }
}
