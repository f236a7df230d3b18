package dev.jcri.sandbox.container;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.jcri.sandbox.util.ParsedConfigs;
import runtime.v1.Api;

/**
 * A container's resources after in-place resizes: what ContainerStatus.resources reports, so that
 * kubelet sees a resize finish. An update names only what it changes (CRI's 0 and "" mean "not
 * set", as the runtime's {@code update} reads them), so each one is laid over the resources in
 * force; hugepage limits and {@code unified} keys are replaced per page size and per key.
 */
public final class ResizedResources {

    /** Parsed once per record, as its config is: ContainerStatus reports them every second. */
    private static final ParsedConfigs<Api.LinuxContainerResources> PARSED =
            new ParsedConfigs<>(Api.LinuxContainerResources.parser());

    private ResizedResources() {}

    /** The resources in force: the last resize's, else the create-time ones. */
    public static Api.LinuxContainerResources current(ContainerRecord record, Api.ContainerConfig config) {
        if (record.resources() == null) {
            return config.getLinux().getResources();
        }
        try {
            return PARSED.of(record.resources());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("container record " + record.id() + " holds unreadable resources", e);
        }
    }

    /** {@code update} laid over {@code current}: set fields replace, unset ones keep the current value. */
    public static Api.LinuxContainerResources merge(Api.LinuxContainerResources current, Api.LinuxContainerResources update) {
        Api.LinuxContainerResources.Builder b = current.toBuilder();
        if (update.getCpuPeriod() != 0) {
            b.setCpuPeriod(update.getCpuPeriod());
        }
        if (update.getCpuQuota() != 0) {
            b.setCpuQuota(update.getCpuQuota());
        }
        if (update.getCpuShares() != 0) {
            b.setCpuShares(update.getCpuShares());
        }
        if (update.getMemoryLimitInBytes() != 0) {
            b.setMemoryLimitInBytes(update.getMemoryLimitInBytes());
        }
        if (update.getMemorySwapLimitInBytes() != 0) {
            b.setMemorySwapLimitInBytes(update.getMemorySwapLimitInBytes());
        }
        if (update.getOomScoreAdj() != 0) {
            b.setOomScoreAdj(update.getOomScoreAdj());
        }
        if (!update.getCpusetCpus().isEmpty()) {
            b.setCpusetCpus(update.getCpusetCpus());
        }
        if (!update.getCpusetMems().isEmpty()) {
            b.setCpusetMems(update.getCpusetMems());
        }
        if (update.getHugepageLimitsCount() > 0) {
            java.util.Map<String, Api.HugepageLimit> bySize = new java.util.LinkedHashMap<>();
            current.getHugepageLimitsList().forEach(h -> bySize.put(h.getPageSize(), h));
            update.getHugepageLimitsList().forEach(h -> bySize.put(h.getPageSize(), h));
            b.clearHugepageLimits().addAllHugepageLimits(bySize.values());
        }
        b.putAllUnified(update.getUnifiedMap());
        return b.build();
    }
}
