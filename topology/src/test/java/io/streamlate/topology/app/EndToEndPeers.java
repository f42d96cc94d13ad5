package io.streamlate.topology.app;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link EndToEndFixture} (broker and registry) per test class, started before its first test and closed after
 * its last: {@code @RegisterExtension static final EndToEndPeers PEERS = new EndToEndPeers();}.
 */
final class EndToEndPeers implements BeforeAllCallback, AfterAllCallback {

    private EndToEndFixture fixture;

    @Override
    public void beforeAll(ExtensionContext context) {
        fixture = EndToEndFixture.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (fixture != null) {
            fixture.close();
            fixture = null;
        }
    }

    EndToEndFixture fixture() {
        if (fixture == null) {
            throw new IllegalStateException("the peers start before the class's first test");
        }
        return fixture;
    }
}
