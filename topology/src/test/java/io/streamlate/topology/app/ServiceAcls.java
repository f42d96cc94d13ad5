package io.streamlate.topology.app;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.List;
import java.util.Locale;

/**
 * The ACLs the service's principal needs, the one Java description of the list in deploy/README.md ("Kafka
 * ACLs"), which {@link #commands()} renders as that list's {@code kafka-acls.sh} commands. Internal topics
 * (changelogs) and transactional ids all start with {@code <application.id>-}, hence the prefixed patterns.
 * {@code DESCRIBE} is not listed: {@code READ} and {@code WRITE} imply it. No {@code IDEMPOTENT_WRITE} on the
 * cluster either: a transactional producer needs {@code WRITE} on its transactional id instead.
 *
 * @param user          the SCRAM user the service logs in as
 * @param applicationId {@code application.id}: the consumer group, the prefix of internal topics and
 *                      transactional ids
 */
record ServiceAcls(String user, String applicationId, String input, String translations, String alignments,
                   String deadLetters) {

    /** The README's list is written for the defaults: user, application id and topic names. */
    static final ServiceAcls DEFAULTS = new ServiceAcls("streamlate", "streamlate", "sentences", "translations",
            "alignments", "sentences-dlq");

    /** The bindings in the README's order. */
    List<AclBinding> bindings() {
        String internal = applicationId + "-";
        return List.of(
                allow(ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.READ),
                allow(ResourceType.TOPIC, translations, PatternType.LITERAL, AclOperation.WRITE),
                allow(ResourceType.TOPIC, alignments, PatternType.LITERAL, AclOperation.WRITE),
                allow(ResourceType.TOPIC, deadLetters, PatternType.LITERAL, AclOperation.WRITE),
                allow(ResourceType.TOPIC, internal, PatternType.PREFIXED, AclOperation.CREATE),
                allow(ResourceType.TOPIC, internal, PatternType.PREFIXED, AclOperation.READ),
                allow(ResourceType.TOPIC, internal, PatternType.PREFIXED, AclOperation.WRITE),
                allow(ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ),
                allow(ResourceType.TRANSACTIONAL_ID, internal, PatternType.PREFIXED, AclOperation.WRITE));
    }

    /** Each binding as the {@code kafka-acls.sh} command that adds it; {@code $ADMIN} holds the connection flags. */
    List<String> commands() {
        return bindings().stream().map(ServiceAcls::command).toList();
    }

    private AclBinding allow(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static String command(AclBinding binding) {
        ResourcePattern resource = binding.pattern();
        String operation = binding.entry().operation().name();
        return "kafka-acls.sh $ADMIN --add --allow-principal " + binding.entry().principal()
                + " --operation " + operation.charAt(0) + operation.substring(1).toLowerCase(Locale.ROOT)
                + " --" + resource.resourceType().name().toLowerCase(Locale.ROOT).replace('_', '-') + " "
                + resource.name()
                + (resource.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }
}
