package dev.jcri.server.streaming;

import dev.jcri.json.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How a remote command ended, as Kubernetes clients read it from the error stream: v4 and later a
 * JSON metav1.Status (a non-zero exit is reason NonZeroExitCode with the code as cause ExitCode,
 * which is where kubectl and crictl take their exit code from); older protocols the message alone,
 * and nothing on success.
 */
record ExitStatus(boolean success, String message, Integer exitCode) {


    static ExitStatus of(List<String> cmd, int code) {
        if (code == 0) {
            return new ExitStatus(true, "", 0);
        }
        return new ExitStatus(false, "command terminated with non-zero exit code: error executing command " + cmd
                + ", exit code " + code, code);
    }

    static ExitStatus failure(String message) {
        return new ExitStatus(false, message, null);
    }

    /** The v4 error stream's document. */
    byte[] toStatusJson() {
        ObjectNode status = Json.objectNode();
        status.putObject("metadata");
        if (success) {
            status.put("status", "Success");
        } else {
            status.put("status", "Failure").put("message", message);
            if (exitCode != null) {
                status.put("reason", "NonZeroExitCode");
                status.putObject("details").putArray("causes").addObject()
                        .put("reason", "ExitCode").put("message", Integer.toString(exitCode));
            } else {
                status.put("reason", "InternalError");
            }
        }
        try {
            return Json.writer().writeValueAsBytes(status);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pre-v4 error stream's bytes: the message when it failed, else nothing. */
    byte[] toPlainText() {
        return success ? new byte[0] : message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
