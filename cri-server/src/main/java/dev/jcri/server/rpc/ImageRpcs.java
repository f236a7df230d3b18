package dev.jcri.server.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.image.FsUsage;
import dev.jcri.image.Image;
import dev.jcri.image.ImageService;
import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.InvalidReferenceException;
import dev.jcri.image.registry.RegistryCredentials;
import dev.jcri.json.Json;
import dev.jcri.server.grpc.RpcErrors;
import dev.jcri.server.grpc.PagedList;
import dev.jcri.server.grpc.ServiceBinder;
import java.util.List;
import java.util.Optional;
import runtime.v1.Api;
import runtime.v1.ImageServiceGrpc;

/**
 * PullImage, ImageStatus, ListImages, RemoveImage and ImageFsInfo: checks the request, maps CRI
 * types to image-service's and back, and image-service's errors to gRPC status codes.
 */
public final class ImageRpcs {

    private final ImageService images;

    /** The {@code pinned_images} of the config: references or IDs, resolved at each call (a tag may move). */
    private final List<String> pinned;

    /** The configured runtime handlers: all of them share this one image store. */
    private final java.util.Set<String> handlers;

    public ImageRpcs(ImageService images) {
        this(images, List.of(), java.util.Set.of());
    }

    /**
     * @param handlers the runtime handlers a pull may name (ImageSpec.runtime_handler, KEP-4216); empty: any
     */
    public ImageRpcs(ImageService images, List<String> pinned, java.util.Set<String> handlers) {
        this.pinned = List.copyOf(pinned);
        this.handlers = java.util.Set.copyOf(handlers);
        this.images = images;
    }

    public void register(ServiceBinder imageService) {
        imageService.unary(ImageServiceGrpc.getPullImageMethod(), this::pullImage)
                // from memory unless the image's config was evicted from the cache (then read from disk)
                .inMemory(ImageServiceGrpc.getImageStatusMethod(), this::imageStatus,
                        r -> !images.findsInMemory(r.getImage().getImage()))
                .unary(ImageServiceGrpc.getListImagesMethod(), this::listImages)
                .custom(ImageServiceGrpc.getStreamImagesMethod(), PagedList.handler(ImageServiceGrpc.getStreamImagesMethod(),
                        r -> listImages(Api.ListImagesRequest.newBuilder().setFilter(r.getFilter()).build()).getImagesList(),
                        page -> Api.StreamImagesResponse.newBuilder().addAllImages(page).build()))
                .unary(ImageServiceGrpc.getRemoveImageMethod(), this::removeImage)
                .unary(ImageServiceGrpc.getImageFsInfoMethod(), this::imageFsInfo);
    }

    Api.PullImageResponse pullImage(Api.PullImageRequest request) throws Exception {
        String ref = requireImage(request.getImage(), "PullImage");
        String handler = request.getImage().getRuntimeHandler();
        if (!handler.isEmpty() && !handlers.isEmpty() && !handlers.contains(handler)) {
            // every handler runs Linux OCI images from the one store: a known one gets the same image, an unknown one is an error
            throw RpcErrors.invalidArgument("PullImage " + ref + ": image.runtime_handler \"" + handler
                    + "\" is not a configured handler " + new java.util.TreeSet<>(handlers));
        }
        Api.AuthConfig a = request.getAuth();
        RegistryCredentials credentials;
        try {
            credentials = RegistryCredentials.of(a.getUsername(), a.getPassword(), a.getAuth(), a.getIdentityToken(),
                    a.getRegistryToken());
        } catch (IllegalArgumentException e) {
            throw RpcErrors.invalidArgument("PullImage " + ref + ": auth." + e.getMessage());
        }
        return Api.PullImageResponse.newBuilder().setImageRef(images.pull(ref, credentials)).build();
    }

    Api.ImageStatusResponse imageStatus(Api.ImageStatusRequest request) throws Exception {
        String ref = requireImage(request.getImage(), "ImageStatus");
        Optional<Image> found;
        found = images.find(ref);
        Api.ImageStatusResponse.Builder response = Api.ImageStatusResponse.newBuilder();
        if (found.isEmpty()) {
            return response.build(); // CRI: an unknown image is an empty response, not an error
        }
        Image image = found.get();
        response.setImage(toCri(image));
        if (request.getVerbose()) {
            ObjectNode info = Json.objectNode();
            info.put("chainID", image.topLayer() == null ? "" : image.topLayer());
            info.put("manifestDigest", image.manifestDigest());
            info.set("imageSpec", image.config().raw());
            response.putInfo("info", Json.writer().writeValueAsString(info));
        }
        return response.build();
    }

    Api.ListImagesResponse listImages(Api.ListImagesRequest request) throws Exception {
        String filter = request.hasFilter() ? request.getFilter().getImage().getImage() : "";
        try {
            List<Image> list = images.list(filter);
            Api.ListImagesResponse.Builder response = Api.ListImagesResponse.newBuilder();
            list.forEach(i -> response.addImages(toCri(i)));
            return response.build();
        } catch (InvalidReferenceException e) {
            return Api.ListImagesResponse.getDefaultInstance(); // a filter that names nothing matches nothing
        }
    }

    Api.RemoveImageResponse removeImage(Api.RemoveImageRequest request) throws Exception {
        String ref = requireImage(request.getImage(), "RemoveImage");
        images.remove(ref);
        return Api.RemoveImageResponse.getDefaultInstance();
    }

    Api.ImageFsInfoResponse imageFsInfo(Api.ImageFsInfoRequest request) throws Exception {
        FsUsage u;
        u = images.fsUsage();
        long nanos = java.time.temporal.ChronoUnit.NANOS.between(java.time.Instant.EPOCH, u.timestamp());
        Api.FilesystemUsage usage = Api.FilesystemUsage.newBuilder()
                .setTimestamp(nanos)
                .setFsId(Api.FilesystemIdentifier.newBuilder().setMountpoint(u.mountpoint().toString()))
                .setUsedBytes(Api.UInt64Value.newBuilder().setValue(u.bytes()))
                .setInodesUsed(Api.UInt64Value.newBuilder().setValue(u.inodes()))
                .build();
        // Containers' writable layers live on the same filesystem (no split image/container fs).
        return Api.ImageFsInfoResponse.newBuilder().addImageFilesystems(usage).addContainerFilesystems(usage).build();
    }

    private static String requireImage(Api.ImageSpec spec, String method) {
        String ref = spec.getImage();
        if (ref.isBlank()) {
            throw RpcErrors.invalidArgument(method + ": image.image must name an image (a reference or an image ID)");
        }
        return ref;
    }

    private boolean isPinned(Image image) {
        for (String ref : pinned) {
            try {
                if (images.idOf(ref).map(image.id()::equals).orElse(false)) {
                    return true;
                }
            } catch (RuntimeException | ImageException notAReference) {
                // a key that names no image (yet) pins nothing
            }
        }
        return false;
    }

    private Api.Image toCri(Image i) {
        Api.Image.Builder b = Api.Image.newBuilder()
                .setId(i.id())
                .addAllRepoTags(i.repoTags())
                .addAllRepoDigests(i.repoDigests())
                .setSize(i.size())
                .setSpec(Api.ImageSpec.newBuilder().setImage(i.id()))
                .setPinned(i.pinned() || isPinned(i));
        Long uid = i.config().numericUid();
        if (uid != null) {
            b.setUid(Api.Int64Value.newBuilder().setValue(uid));
        } else {
            b.setUsername(i.config().userName());
        }
        return b.build();
    }

}
