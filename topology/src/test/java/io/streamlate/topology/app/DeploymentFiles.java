package io.streamlate.topology.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the deployment tests read out of deploy/'s Kubernetes YAML, line by line (the files stay plain). */
final class DeploymentFiles {

    private DeploymentFiles() {
    }

    /** The {@code data:} entries of a ConfigMap, one {@code KEY: value} a line. */
    static Map<String, String> configMapData(List<String> lines) {
        Map<String, String> data = new LinkedHashMap<>();
        boolean inData = false;
        for (String line : lines) {
            if (line.startsWith("data:")) {
                inData = true;
            } else if (inData && line.startsWith("  ") && line.contains(": ") && !line.trim().startsWith("#")) {
                String[] entry = line.trim().split(": ", 2);
                data.put(entry[0], unquoted(entry[1]));
            } else if (inData && !line.isBlank() && !line.startsWith(" ")) {
                inData = false;
            }
        }
        return data;
    }

    /**
     * What the overlay's JSON patches add to or replace in {@code /data}: each {@code path: /data/KEY} with the
     * {@code value:} after it, a folded ({@code >-}) value joined with spaces as YAML does.
     */
    static Map<String, String> patchedData(List<String> lines) {
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (!line.startsWith("path: /data/")) {
                continue;
            }
            String key = line.substring("path: /data/".length());
            String value = lines.get(++i).trim().substring("value: ".length());
            if (value.equals(">-")) {
                StringBuilder folded = new StringBuilder();
                int indent = indent(lines.get(i));
                while (i + 1 < lines.size() && indent(lines.get(i + 1)) > indent) {
                    folded.append(folded.isEmpty() ? "" : " ").append(lines.get(++i).trim());
                }
                value = folded.toString();
            }
            data.put(key, unquoted(value));
        }
        return data;
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static String unquoted(String value) {
        return value.replaceAll("^\"|\"$", "");
    }
}
