package dev.jcri.sandbox.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import runtime.v1.Api;

/**
 * config.json annotations: the request's own, then the io.kubernetes.cri.* keys containerd sets
 * (tools such as NRI plugins and monitoring agents read them from the bundle). Ours are written
 * last so that a request cannot pass off a container as another pod's.
 */
final class SpecAnnotations {
    static final String CONTAINER_TYPE = "io.kubernetes.cri.container-type";
    static final String CONTAINER_NAME = "io.kubernetes.cri.container-name";
    static final String SANDBOX_NAME = "io.kubernetes.cri.sandbox-name";
    static final String SANDBOX_NAMESPACE = "io.kubernetes.cri.sandbox-namespace";
    static final String SANDBOX_UID = "io.kubernetes.cri.sandbox-uid";

    private SpecAnnotations() {}

    static Map<String, String> of(Api.ContainerConfig container, Api.PodSandboxConfig pod) {
        Map<String, String> out = new LinkedHashMap<>(new TreeMap<>(container.getAnnotationsMap()));
        out.put(CONTAINER_TYPE, "container");
        out.put(CONTAINER_NAME, container.getMetadata().getName());
        out.put(SANDBOX_NAME, pod.getMetadata().getName());
        out.put(SANDBOX_NAMESPACE, pod.getMetadata().getNamespace());
        out.put(SANDBOX_UID, pod.getMetadata().getUid());
        return out;
    }
}
