package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;

import org.junit.jupiter.api.Test;

class LogPathRulesTest {

    @Test
    void kubeletsLayoutIsAccepted() throws Exception {
        LogPathRules.directory("d", "");
        LogPathRules.directory("d", "/var/log/pods/ns_pod_uid");
        LogPathRules.file("f", "/var/log/pods/ns_pod_uid", "app/0.log");
        LogPathRules.file("f", "/logs", "/app/0.log");
        LogPathRules.file("f", "/logs", "");
    }

    @Test
    void escapesAndOddPathsAreRefused() {
        invalid("config.log_path", () -> LogPathRules.file("config.log_path", "/logs", "../etc/x"));
        invalid("config.log_path", () -> LogPathRules.file("config.log_path", "/logs", "a/../../x"));
        invalid("config.log_path", () -> LogPathRules.file("config.log_path", "/logs", "sub/"));
        invalid("config.log_path", () -> LogPathRules.file("config.log_path", "/logs", "a\0b.log"));
        invalid("config.log_path", () -> LogPathRules.file("config.log_path", "/logs", "x".repeat(1 << 20)));
        invalid("config.log_directory", () -> LogPathRules.directory("config.log_directory", "relative/logs"));
        invalid("config.log_directory", () -> LogPathRules.directory("config.log_directory", "/tmp/a\0b"));
        invalid("config.log_directory", () -> LogPathRules.directory("config.log_directory", "/dev/null"));
        invalid("config.log_directory", () -> LogPathRules.directory("config.log_directory", "/" + "x".repeat(5000)));
    }
}
