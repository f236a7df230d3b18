package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NameRulesTest {

    @Test
    void kubernetesNamesAreAccepted() throws Exception {
        NameRules.name("n", "nginx-7d9f8b-x2x4q");
        NameRules.name("n", "kube-apiserver-node-1.example.com");
        NameRules.name("n", "6a2f1c3e-84b5-4a8e-9b1c-2d1e0f9a7b6c");
        NameRules.name("n", "Busybox-Sandbox"); // crictl users send upper case
        NameRules.name("n", "a".repeat(253));
        NameRules.hostname("h", "web-0");
        NameRules.hostname("h", "a".repeat(62) + ".b"); // 64: HOST_NAME_MAX
        NameRules.hostname("h", "");
        NameRules.labels("l", Map.of("io.kubernetes.pod.name", "p".repeat(253), "app.kubernetes.io/name", "web"));
        NameRules.annotations("a", Map.of("kubectl.kubernetes.io/last-applied-configuration", "x".repeat(250 * 1024)));
    }

    @Test
    void namesThatWouldBeReadAsStructureAreRefused() {
        for (String bad : new String[] {"", " ", "a\nb", "a\0b", "a/b", "a_b", "a;K8S_POD_NAME=x", "-a", "a.", "x".repeat(254)}) {
            invalid("config.metadata.name", () -> NameRules.name("config.metadata.name", bad));
        }
    }

    @Test
    void hostnamesFollowRfc1123WithinTheKernelsLimit() {
        invalid("config.hostname", () -> NameRules.hostname("config.hostname", "h".repeat(65)));
        invalid("config.hostname", () -> NameRules.hostname("config.hostname", "bad\nname"));
        invalid("config.hostname", () -> NameRules.hostname("config.hostname", "a..b"));
        invalid("config.hostname", () -> NameRules.hostname("config.hostname", "under_score"));
        invalid("config.hostname", () -> NameRules.hostname("config.hostname", "a".repeat(64))); // a label of 64
    }

    @Test
    void labelsAndAnnotationsAreBounded() {
        invalid("config.labels[big]", () -> NameRules.labels("config.labels", Map.of("big", "v".repeat(254))));
        invalid("config.labels", () -> NameRules.labels("config.labels", Map.of("k".repeat(318), "v")));
        invalid("config.labels[k]", () -> NameRules.labels("config.labels", Map.of("k", "a\0b")));
        invalid("config.annotations", () -> NameRules.annotations("config.annotations", Map.of("big", "x".repeat(1 << 20))));
    }
}
