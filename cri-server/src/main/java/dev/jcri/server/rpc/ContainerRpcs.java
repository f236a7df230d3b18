package dev.jcri.server.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.jcri.json.Json;
import dev.jcri.linux.CapturedOutput;
import dev.jcri.sandbox.container.ContainerImage;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.server.grpc.PagedList;
import dev.jcri.server.grpc.ServiceBinder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * CreateContainer, StartContainer, StopContainer, RemoveContainer, ListContainers,
 * ContainerStatus, UpdateContainerResources, ReopenContainerLog, ExecSync, CheckpointContainer.
 */
public final class ContainerRpcs {

    /**
     * ExecSync output kept per stream: both streams together, with the message's few bytes of
     * framing, must fit the 16 MiB kubelet accepts for one gRPC message (its CRI client's limit),
     * or kubelet would get an error instead of the output. The rest of the output is dropped.
     */
    static final int EXEC_OUTPUT_LIMIT = 8 * 1024 * 1024 - 1024;

    /** Finds the image a container is created from; NOT_FOUND when it is not pulled. */
    @FunctionalInterface
    public interface ImageResolver {
        ContainerImage resolve(String reference) throws Exception;
    }

    private final ContainerManager containers;
    private final ImageResolver images;
    private final Runnable afterRemove;
    private final RecordMessages<ContainerRecord, Api.Container> listed =
            new RecordMessages<>(ContainerRecord::id, ContainerRpcs::listEntry);
    private final RecordMessages<ContainerRecord, Api.ContainerStatus> statuses =
            new RecordMessages<>(ContainerRecord::id, c -> CriStatuses.container(c).build());

    /**
     * @param afterRemove runs after a container is removed (lets the image store free layers of
     *                    images that were removed while the container used them)
     */
    public ContainerRpcs(ContainerManager containers, ImageResolver images, Runnable afterRemove) {
        this.containers = containers;
        this.images = images;
        this.afterRemove = afterRemove;
    }

    public void register(ServiceBinder runtime) {
        runtime.unary(RuntimeServiceGrpc.getCreateContainerMethod(), this::create)
                .unary(RuntimeServiceGrpc.getStartContainerMethod(), this::start)
                .unary(RuntimeServiceGrpc.getStopContainerMethod(), this::stop)
                .unary(RuntimeServiceGrpc.getRemoveContainerMethod(), this::remove)
                .inMemory(RuntimeServiceGrpc.getListContainersMethod(), this::list)
                .custom(RuntimeServiceGrpc.getStreamContainersMethod(), PagedList.handler(
                        RuntimeServiceGrpc.getStreamContainersMethod(),
                        r -> list(Api.ListContainersRequest.newBuilder().setFilter(r.getFilter()).build()).getContainersList(),
                        page -> Api.StreamContainersResponse.newBuilder().addAllContainers(page).build()))
                // verbose: the spec is read from the bundle
                .inMemory(RuntimeServiceGrpc.getContainerStatusMethod(), this::status, Api.ContainerStatusRequest::getVerbose)
                .unary(RuntimeServiceGrpc.getUpdateContainerResourcesMethod(), this::updateResources)
                .unary(RuntimeServiceGrpc.getReopenContainerLogMethod(), this::reopenLog)
                .unary(RuntimeServiceGrpc.getExecSyncMethod(), this::execSync)
                .unary(RuntimeServiceGrpc.getCheckpointContainerMethod(), this::checkpoint);
    }

    Api.CreateContainerResponse create(Api.CreateContainerRequest request) throws Exception {
        if (request.getPodSandboxId().isEmpty() || !request.hasConfig()) {
            throw invalid("CreateContainer needs pod_sandbox_id and config");
        }
        String imageRef = request.getConfig().getImage().getImage();
        if (imageRef.isEmpty()) {
            throw invalid("config.image.image is required");
        }
        if (ContainerManager.isCheckpoint(imageRef)) { // a checkpoint archive's path: restore from it
            String id = containers.restore(request.getPodSandboxId(), request.getConfig(), volumeImages(request.getConfig()),
                    images::resolve);
            return Api.CreateContainerResponse.newBuilder().setContainerId(id).build();
        }
        ContainerImage image = images.resolve(imageRef);
        String id = containers.create(request.getPodSandboxId(), request.getConfig(), image, volumeImages(request.getConfig()));
        return Api.CreateContainerResponse.newBuilder().setContainerId(id).build();
    }

    /** The images of the config's image volumes, by mount index: each must be pulled (NOT_FOUND naming the mount). */
    private Map<Integer, ContainerImage> volumeImages(Api.ContainerConfig config) throws Exception {
        Map<Integer, ContainerImage> found = new LinkedHashMap<>();
        for (int i = 0; i < config.getMountsCount(); i++) {
            String ref = config.getMounts(i).getImage().getImage();
            if (ref.isEmpty()) {
                continue;
            }
            try {
                found.put(i, images.resolve(ref));
            } catch (StatusRuntimeException e) {
                throw e.getStatus().withDescription("config.mounts[" + i + "].image: " + e.getStatus().getDescription())
                        .asRuntimeException();
            }
        }
        return found;
    }

    Api.CheckpointContainerResponse checkpoint(Api.CheckpointContainerRequest request) throws Exception {
        containers.checkpoint(requireId(request.getContainerId()), request.getLocation());
        return Api.CheckpointContainerResponse.getDefaultInstance();
    }

    Api.StartContainerResponse start(Api.StartContainerRequest request) throws Exception {
        containers.start(requireId(request.getContainerId()));
        return Api.StartContainerResponse.getDefaultInstance();
    }

    Api.StopContainerResponse stop(Api.StopContainerRequest request) throws Exception {
        containers.stop(requireId(request.getContainerId()), Duration.ofSeconds(Math.max(0, request.getTimeout())));
        return Api.StopContainerResponse.getDefaultInstance();
    }

    Api.RemoveContainerResponse remove(Api.RemoveContainerRequest request) throws Exception {
        containers.remove(requireId(request.getContainerId()));
        listed.forget(request.getContainerId());
        statuses.forget(request.getContainerId());
        afterRemove.run();
        return Api.RemoveContainerResponse.getDefaultInstance();
    }

    Api.ListContainersResponse list(Api.ListContainersRequest request) {
        Api.ContainerFilter filter = request.getFilter();
        Api.ListContainersResponse.Builder response = Api.ListContainersResponse.newBuilder();
        List<ContainerRecord> all = containers.list();
        listed.retain(all);
        statuses.retain(all);
        for (ContainerRecord c : all) {
            if (!filter.getId().isEmpty() && !c.id().startsWith(filter.getId())) {
                continue;
            }
            if (!filter.getPodSandboxId().isEmpty() && !c.podId().startsWith(filter.getPodSandboxId())) {
                continue;
            }
            if (filter.hasState() && filter.getState().getState() != CriStatuses.state(c.state())) {
                continue;
            }
            Api.Container container = listed.of(c);
            if (!PodSandboxRpcs.matches(filter.getLabelSelectorMap(), container.getLabelsMap())) {
                continue;
            }
            response.addContainers(container);
        }
        return response.build();
    }

    /** A container as ListContainers shows it (built once per version of its record). */
    private static Api.Container listEntry(ContainerRecord c) {
        Api.ContainerConfig config = ContainerManager.config(c);
        return Api.Container.newBuilder()
                .setId(c.id())
                .setPodSandboxId(c.podId())
                .setMetadata(config.getMetadata())
                .setImage(Api.ImageSpec.newBuilder().setImage(c.imageRequested()))
                .setImageRef(c.imageRef())
                .setImageId(c.imageId())
                .setState(CriStatuses.state(c.state()))
                .setCreatedAt(c.createdAtNanos())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .build();
    }

    Api.ContainerStatusResponse status(Api.ContainerStatusRequest request) throws Exception {
        ContainerRecord c = containers.find(requireId(request.getContainerId()));
        Api.ContainerStatusResponse.Builder response = Api.ContainerStatusResponse.newBuilder()
                .setStatus(statuses.of(c));
        if (request.getVerbose()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("sandboxID", c.podId());
            info.put("pid", c.pid());
            info.put("runtimeHandler", c.runtimeHandler());
            containers.specJson(c.id()).ifPresent(spec -> {
                try {
                    info.put("runtimeSpec", Json.reader().readTree(spec));
                } catch (Exception e) {
                    info.put("runtimeSpec", spec);
                }
            });
            response.putInfo("info", Json.writer().writeValueAsString(info));
        }
        return response.build();
    }

    Api.UpdateContainerResourcesResponse updateResources(Api.UpdateContainerResourcesRequest request) throws Exception {
        containers.updateResources(requireId(request.getContainerId()), request.getLinux());
        return Api.UpdateContainerResourcesResponse.getDefaultInstance();
    }

    Api.ReopenContainerLogResponse reopenLog(Api.ReopenContainerLogRequest request) throws Exception {
        containers.reopenLog(requireId(request.getContainerId()));
        return Api.ReopenContainerLogResponse.getDefaultInstance();
    }

    Api.ExecSyncResponse execSync(Api.ExecSyncRequest request) throws Exception {
        Duration timeout = request.getTimeout() > 0 ? Duration.ofSeconds(request.getTimeout()) : null;
        ContainerManager.ExecResult result = containers.execSync(requireId(request.getContainerId()), request.getCmdList(), timeout, EXEC_OUTPUT_LIMIT);
        if (result.timedOut()) {
            // kubelet's prober recognises DEADLINE_EXCEEDED as a probe timeout
            throw Status.DEADLINE_EXCEEDED.withDescription("command " + request.getCmdList() + " timed out after "
                    + request.getTimeout() + " s").asRuntimeException();
        }
        return Api.ExecSyncResponse.newBuilder()
                .setStdout(wrap(result.stdout()))
                .setStderr(wrap(result.stderr()))
                .setExitCode(result.exitCode())
                .build();
    }

    /** The output as a ByteString over the capture's own chunks: no copy, so the output is held once. */
    static ByteString wrap(CapturedOutput output) {
        List<ByteString> parts = new ArrayList<>();
        for (ByteBuffer chunk : output.chunks()) {
            parts.add(UnsafeByteOperations.unsafeWrap(chunk)); // read-only views; the capture is never written again
        }
        return ByteString.copyFrom(parts); // concatenates the pieces into a rope, copying no bytes
    }

    private static String requireId(String id) {
        if (id.isEmpty()) {
            throw invalid("container_id is required");
        }
        return id;
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

}
