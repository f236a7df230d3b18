package dev.jcri.conformance.fuzz;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import runtime.v1.Api;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.RuntimeServiceGrpc;

/**
 * The calls the fuzz table is written in: one RPC with a request built from the fixture, a pod or
 * a container made from a valid config with one thing changed, or one request sent several times
 * at once. Objects a call creates are handed to the fixture, so they are removed after the case.
 */
final class Calls {

    /** Long enough for any honest call; a call that hangs is answered DEADLINE_EXCEEDED, a server fault. */
    static final long DEADLINE_SECONDS = 90;

    /** An ID no object has (64 hex digits, as jcri's). */
    static final String UNKNOWN_ID = "0bad" + "0".repeat(60);

    /** 1 MiB of text (kubelet's own limits: names 253, label values 63, all annotations 256 KiB). */
    static final String MIB = "x".repeat(1 << 20);

    private Calls() {}

    /** One call of {@code method} with the request {@code request} builds (it may set up objects first). */
    static <Q extends Message, R extends Message> FuzzCase.Call rpc(MethodDescriptor<Q, R> method, Function<Fixture, Q> request) {
        return f -> {
            Q built = request.apply(f);
            FuzzCase.Answer answer = call(f, method, built);
            adopt(f, built, answer);
            return answer;
        };
    }

    /** RunPodSandbox with a valid host-network pod config that {@code edit} changes. */
    static FuzzCase.Call runPod(Consumer<Api.PodSandboxConfig.Builder> edit) {
        return runPod(false, edit, r -> { });
    }

    /** RunPodSandbox with a valid pod-network (CNI) pod config that {@code edit} changes. */
    static FuzzCase.Call runNetPod(Consumer<Api.PodSandboxConfig.Builder> edit) {
        return runPod(true, edit, r -> { });
    }

    /** RunPodSandbox with a valid host-network pod whose request (handler, ...) {@code edit} changes. */
    static FuzzCase.Call runPodRequest(Consumer<Api.RunPodSandboxRequest.Builder> edit) {
        return runPod(false, c -> { }, edit);
    }

    private static FuzzCase.Call runPod(boolean podNetwork, Consumer<Api.PodSandboxConfig.Builder> editConfig,
            Consumer<Api.RunPodSandboxRequest.Builder> editRequest) {
        return f -> {
            Api.PodSandboxConfig.Builder config = f.podConfig(podNetwork);
            editConfig.accept(config);
            f.createLogDirectory(config.build());
            Api.RunPodSandboxRequest.Builder request = Api.RunPodSandboxRequest.newBuilder().setConfig(config);
            editRequest.accept(request);
            Api.RunPodSandboxRequest built = request.build();
            FuzzCase.Answer answer = call(f, RuntimeServiceGrpc.getRunPodSandboxMethod(), built);
            adopt(f, built, answer);
            return answer;
        };
    }

    /** CreateContainer in the base pod with a valid config that {@code edit} changes. */
    static FuzzCase.Call createContainer(Consumer<Api.ContainerConfig.Builder> edit) {
        return createContainerRequest(r -> edit.accept(r.getConfigBuilder()));
    }

    /** CreateContainer in the base pod with a valid request that {@code edit} changes (pod ID, sandbox config, ...). */
    static FuzzCase.Call createContainerRequest(Consumer<Api.CreateContainerRequest.Builder> edit) {
        return f -> {
            Api.CreateContainerRequest.Builder request = Api.CreateContainerRequest.newBuilder()
                    .setPodSandboxId(f.env.basePodId()).setSandboxConfig(f.env.basePod()).setConfig(f.containerConfig());
            edit.accept(request);
            Api.CreateContainerRequest built = request.build();
            FuzzCase.Answer answer = call(f, RuntimeServiceGrpc.getCreateContainerMethod(), built);
            adopt(f, built, answer);
            return answer;
        };
    }

    /** CreateContainer with a valid config in the pod {@code pod} sets up (it returns the pod's ID or prefix). */
    static FuzzCase.Call createIn(Function<Fixture, String> pod) {
        return f -> {
            String podId = pod.apply(f);
            return createContainerRequest(r -> r.setPodSandboxId(podId).setSandboxConfig(f.configOf(podId))).run(f);
        };
    }

    /** CreateContainer in the base pod with the config {@code config} builds (after any setup it does). */
    static FuzzCase.Call createWith(Function<Fixture, Api.ContainerConfig> config) {
        return f -> {
            Api.ContainerConfig built = config.apply(f);
            return createContainerRequest(r -> r.setConfig(built)).run(f);
        };
    }

    /**
     * The same request {@code times} times at once (after its setup ran once); the answer is the
     * first that is not OK, else OK.
     */
    static <Q extends Message, R extends Message> FuzzCase.Call concurrently(int times, MethodDescriptor<Q, R> method,
            Function<Fixture, Q> request) {
        return f -> {
            Q built = request.apply(f);
            List<Future<FuzzCase.Answer>> answers = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < times; i++) {
                    answers.add(pool.submit(() -> call(f, method, built)));
                }
            }
            FuzzCase.Answer first = null;
            for (Future<FuzzCase.Answer> a : answers) {
                FuzzCase.Answer answer = a.get();
                adopt(f, built, answer);
                if (first == null || (first.status().isOk() && !answer.status().isOk())) {
                    first = answer;
                }
            }
            return first;
        };
    }

    /** Two different calls at once (e.g. stop racing remove); the answer is the first that is not OK, else OK. */
    static <Q1 extends Message, R1 extends Message, Q2 extends Message, R2 extends Message> FuzzCase.Call race(
            MethodDescriptor<Q1, R1> first, Function<Fixture, Q1> one, MethodDescriptor<Q2, R2> second, Function<Fixture, Q2> other) {
        return f -> {
            Q1 a = one.apply(f);
            Q2 b = other.apply(f);
            Future<FuzzCase.Answer> x;
            Future<FuzzCase.Answer> y;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                x = pool.submit(() -> call(f, first, a));
                y = pool.submit(() -> call(f, second, b));
            }
            adopt(f, a, x.get()); // what either created is cleaned up as kubelet would (its log file included)
            adopt(f, b, y.get());
            return x.get().status().isOk() ? y.get() : x.get();
        };
    }

    static <Q extends Message, R extends Message> FuzzCase.Answer call(Fixture f, MethodDescriptor<Q, R> method, Q request) {
        try {
            R response = ClientCalls.blockingUnaryCall(f.env.cri().channel(), method,
                    CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS), request);
            return new FuzzCase.Answer(Status.OK, response);
        } catch (StatusRuntimeException e) {
            return new FuzzCase.Answer(e.getStatus(), null);
        }
    }

    /** Hands what an accepted call created to the fixture, so that it is removed after the case. */
    private static void adopt(Fixture f, Message request, FuzzCase.Answer answer) {
        if (answer.response() instanceof Api.RunPodSandboxResponse r && request instanceof Api.RunPodSandboxRequest q) {
            f.adoptPod(r.getPodSandboxId(), q.getConfig());
        } else if (answer.response() instanceof Api.CreateContainerResponse r && request instanceof Api.CreateContainerRequest q) {
            f.adoptContainer(r.getContainerId(), q.getSandboxConfig(), q.getConfig());
        }
    }

    // ---------------------------------------------------------------- request shorthands

    static Api.PodSandboxStatusRequest podStatus(String id) {
        return Api.PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build();
    }

    static Api.StopPodSandboxRequest stopPod(String id) {
        return Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build();
    }

    static Api.RemovePodSandboxRequest removePod(String id) {
        return Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build();
    }

    static Api.StartContainerRequest start(String id) {
        return Api.StartContainerRequest.newBuilder().setContainerId(id).build();
    }

    static Api.StopContainerRequest stop(String id, long timeout) {
        return Api.StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeout).build();
    }

    static Api.RemoveContainerRequest remove(String id) {
        return Api.RemoveContainerRequest.newBuilder().setContainerId(id).build();
    }

    static Api.ContainerStatusRequest status(String id) {
        return Api.ContainerStatusRequest.newBuilder().setContainerId(id).build();
    }

    static Api.ExecSyncRequest exec(String id, long timeout, String... cmd) {
        return Api.ExecSyncRequest.newBuilder().setContainerId(id).setTimeout(timeout).addAllCmd(List.of(cmd)).build();
    }

    static Api.UpdateContainerResourcesRequest update(String id, Consumer<Api.LinuxContainerResources.Builder> edit) {
        Api.LinuxContainerResources.Builder r = Api.LinuxContainerResources.newBuilder();
        edit.accept(r);
        return Api.UpdateContainerResourcesRequest.newBuilder().setContainerId(id).setLinux(r).build();
    }

    static Api.ReopenContainerLogRequest reopen(String id) {
        return Api.ReopenContainerLogRequest.newBuilder().setContainerId(id).build();
    }

    static Api.ContainerStatsRequest stats(String id) {
        return Api.ContainerStatsRequest.newBuilder().setContainerId(id).build();
    }

    static Api.ImageSpec image(String ref) {
        return Api.ImageSpec.newBuilder().setImage(ref).build();
    }

    static Api.PullImageRequest pull(String ref) {
        return Api.PullImageRequest.newBuilder().setImage(image(ref)).build();
    }

    static Api.PortMapping port(Api.Protocol protocol, int containerPort, int hostPort) {
        return Api.PortMapping.newBuilder().setProtocol(protocol).setContainerPort(containerPort).setHostPort(hostPort).build();
    }

    static Api.Mount mount(String containerPath, String hostPath) {
        return Api.Mount.newBuilder().setContainerPath(containerPath).setHostPath(hostPath).build();
    }

    /** Every implemented method, by the README's RPC table (so the empty-request cases cover them all). */
    static final List<MethodDescriptor<?, ?>> IMPLEMENTED = List.of(
            RuntimeServiceGrpc.getVersionMethod(), RuntimeServiceGrpc.getRunPodSandboxMethod(),
            RuntimeServiceGrpc.getStopPodSandboxMethod(), RuntimeServiceGrpc.getRemovePodSandboxMethod(),
            RuntimeServiceGrpc.getPodSandboxStatusMethod(), RuntimeServiceGrpc.getListPodSandboxMethod(),
            RuntimeServiceGrpc.getCreateContainerMethod(), RuntimeServiceGrpc.getStartContainerMethod(),
            RuntimeServiceGrpc.getStopContainerMethod(), RuntimeServiceGrpc.getRemoveContainerMethod(),
            RuntimeServiceGrpc.getListContainersMethod(), RuntimeServiceGrpc.getContainerStatusMethod(),
            RuntimeServiceGrpc.getUpdateContainerResourcesMethod(), RuntimeServiceGrpc.getReopenContainerLogMethod(),
            RuntimeServiceGrpc.getExecSyncMethod(), RuntimeServiceGrpc.getContainerStatsMethod(),
            RuntimeServiceGrpc.getListContainerStatsMethod(), RuntimeServiceGrpc.getPodSandboxStatsMethod(),
            RuntimeServiceGrpc.getListPodSandboxStatsMethod(), RuntimeServiceGrpc.getListMetricDescriptorsMethod(),
            RuntimeServiceGrpc.getListPodSandboxMetricsMethod(), RuntimeServiceGrpc.getUpdateRuntimeConfigMethod(),
            RuntimeServiceGrpc.getStatusMethod(), RuntimeServiceGrpc.getRuntimeConfigMethod(),
            ImageServiceGrpc.getListImagesMethod(), ImageServiceGrpc.getImageStatusMethod(),
            ImageServiceGrpc.getPullImageMethod(), ImageServiceGrpc.getRemoveImageMethod(),
            ImageServiceGrpc.getImageFsInfoMethod());

    /** The method's empty request message. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static FuzzCase.Call empty(MethodDescriptor method) {
        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller) method.getRequestMarshaller()).getMessagePrototype();
        return f -> call(f, method, prototype.getDefaultInstanceForType());
    }
}
