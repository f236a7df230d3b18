package dev.jcri.conformance.image;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jcri.conformance.CriClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import runtime.v1.Api;

/** Small helpers for image tests: CRI calls by reference. */
final class Images {
    private Images() {}

    static Api.ImageSpec spec(String ref) {
        return Api.ImageSpec.newBuilder().setImage(ref).build();
    }

    static String pull(CriClient cri, String ref) {
        return cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(spec(ref)).build()).getImageRef();
    }

    static String pull(CriClient cri, String ref, String user, String password) {
        return cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(spec(ref))
                .setAuth(Api.AuthConfig.newBuilder().setUsername(user).setPassword(password)).build()).getImageRef();
    }

    static String pullWithAuthField(CriClient cri, String ref, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(spec(ref))
                .setAuth(Api.AuthConfig.newBuilder().setAuth(auth)).build()).getImageRef();
    }

    static Api.ImageStatusResponse status(CriClient cri, String ref, boolean verbose) {
        return cri.images().imageStatus(Api.ImageStatusRequest.newBuilder().setImage(spec(ref)).setVerbose(verbose).build());
    }

    static void remove(CriClient cri, String ref) {
        cri.images().removeImage(Api.RemoveImageRequest.newBuilder().setImage(spec(ref)).build());
    }

    static java.util.List<Api.Image> list(CriClient cri, String filter) {
        Api.ListImagesRequest.Builder b = Api.ListImagesRequest.newBuilder();
        if (filter != null) {
            b.setFilter(Api.ImageFilter.newBuilder().setImage(spec(filter)));
        }
        return cri.images().listImages(b.build()).getImagesList();
    }

    /** Runs a call that must fail; returns its status. */
    static Status failure(Runnable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus();
    }

    /** The entries of a directory (a store's ingest or blobs directory: what a failed pull must not leave). */
    static java.util.List<java.nio.file.Path> files(java.nio.file.Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(dir)) {
            return s.toList();
        }
    }
}
