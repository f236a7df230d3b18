package dev.jcri.server.rpc;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.stream.ContainerStreams;
import dev.jcri.server.grpc.ServiceBinder;
import dev.jcri.server.streaming.StreamingServer;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * Exec, Attach, PortForward: validate the request (unknown container or pod NOT_FOUND, not running
 * FAILED_PRECONDITION, impossible stream choices INVALID_ARGUMENT naming the field) and return the
 * streaming server's single-use URL. The work happens when the client connects to it.
 */
public final class StreamingRpcs {

    private final ContainerStreams streams;
    private final StreamingServer server;

    public StreamingRpcs(ContainerStreams streams, StreamingServer server) {
        this.streams = streams;
        this.server = server;
    }

    public void register(ServiceBinder runtime) {
        runtime.unary(RuntimeServiceGrpc.getExecMethod(), this::exec)
                .unary(RuntimeServiceGrpc.getAttachMethod(), this::attach)
                .unary(RuntimeServiceGrpc.getPortForwardMethod(), this::portForward);
    }

    Api.ExecResponse exec(Api.ExecRequest request) throws Exception {
        String id = required("container_id", request.getContainerId());
        streams.checkExec(id, request.getCmdList(), request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
        return Api.ExecResponse.newBuilder().setUrl(server.exec(id, request.getCmdList(), request.getTty(), request.getStdin(),
                request.getStdout(), request.getStderr())).build();
    }

    Api.AttachResponse attach(Api.AttachRequest request) throws Exception {
        String id = required("container_id", request.getContainerId());
        streams.checkAttach(id, request.getStdin(), request.getStdout(), request.getStderr());
        return Api.AttachResponse.newBuilder().setUrl(server.attach(id, request.getTty(), request.getStdin(),
                request.getStdout(), request.getStderr())).build();
    }

    Api.PortForwardResponse portForward(Api.PortForwardRequest request) throws Exception {
        String id = required("pod_sandbox_id", request.getPodSandboxId());
        streams.checkPortForward(id, request.getPortList());
        return Api.PortForwardResponse.newBuilder().setUrl(server.portForward(id, request.getPortList())).build();
    }

    private static String required(String field, String value) throws JcriException {
        if (value.isEmpty()) {
            throw JcriException.invalidArgument(field, "is required");
        }
        return value;
    }
}
