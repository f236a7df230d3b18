package dev.jcri.server.streaming;

import java.util.List;

/** A validated Exec, Attach or PortForward request waiting, under its token, for its client to connect. */
sealed interface PendingStream {

    /** The URL path segment of this kind ("exec", "attach", "portforward"), also the metrics' kind tag. */
    String kind();

    record Exec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            implements PendingStream {
        public Exec {
            cmd = List.copyOf(cmd);
        }

        @Override
        public String kind() {
            return "exec";
        }
    }

    record Attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) implements PendingStream {
        @Override
        public String kind() {
            return "attach";
        }
    }

    record PortForward(String podId, List<Integer> ports) implements PendingStream {
        public PortForward {
            ports = List.copyOf(ports);
        }

        @Override
        public String kind() {
            return "portforward";
        }
    }
}
