package dev.jcri.conformance.chaos;

import dev.jcri.conformance.bench.HostProcesses;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes the iptables rules and per-pod chains a run's daemon left (after they were reported),
 * so that a leaky daemon does not leave the machine's nat table growing run after run. Rules are
 * deleted one by one ({@code iptables -D} with the saved rule's own arguments), never by
 * restoring a table, which would race other tests' CNI plugins.
 */
final class IptablesCleanup {

    private IptablesCleanup() {}

    /** {@code lines} as {@link HostProbe#iptables()} gives them: "table: -A CHAIN args" or "table: :CHAIN ...". */
    static void remove(List<String> lines) {
        List<String[]> chains = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(": ");
            String table = line.substring(0, colon);
            String rule = line.substring(colon + 2);
            if (rule.startsWith("-A ")) {
                List<String> argv = new ArrayList<>(List.of("iptables", "-t", table, "-D"));
                argv.addAll(words(rule.substring(3)));
                HostProcesses.run(argv.toArray(String[]::new));
            } else if (rule.startsWith(":CNI-")) {
                chains.add(new String[] {table, rule.substring(1, rule.indexOf(' '))});
            }
        }
        for (String[] chain : chains) {
            HostProcesses.run("iptables", "-t", chain[0], "-F", chain[1]);
            HostProcesses.run("iptables", "-t", chain[0], "-X", chain[1]);
        }
    }

    /** Splits a saved rule into arguments as a shell would: double quotes group, backslash escapes. */
    static List<String> words(String rule) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < rule.length(); i++) {
            char ch = rule.charAt(i);
            if (ch == '\\' && i + 1 < rule.length()) {
                word.append(rule.charAt(++i));
                inWord = true;
            } else if (ch == '"') {
                quoted = !quoted;
                inWord = true;
            } else if (ch == ' ' && !quoted) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(ch);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
