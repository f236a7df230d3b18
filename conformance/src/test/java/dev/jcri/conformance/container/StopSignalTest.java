package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/**
 * Container stop signals (the Pod's lifecycle.stopSignal, KEP-4960): the request's signal is what
 * StopContainer sends first, over the image's STOPSIGNAL, and ContainerStatus.stop_signal says
 * which one the container gets (kubelet shows it; it used to be left unset).
 */
class StopSignalTest extends InOnePodTest {

    /** A shell that reports which of USR1, USR2 and TERM reached it, and exits on the first. */
    private Api.ContainerConfig.Builder listener(String name, String image) {
        return Containers.config(name, image, "sh", "-c",
                "trap 'echo got-usr1; exit 0' USR1; trap 'echo got-usr2; exit 0' USR2; trap 'echo got-term; exit 0' TERM; "
                        + "echo ready; while true; do sleep 0.1; done");
    }

    private String runAndAwaitReady(Api.ContainerConfig config) {
        String id = Containers.run(cri, podId, pod, config);
        Path log = Path.of(Containers.status(cri, id).getLogPath());
        Deadline.await("the trap set", Duration.ofSeconds(20), () -> (Files.exists(log) && read(log).contains("ready")) ? true : null);
        return id;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void theRequestsStopSignalIsSentAndReported() throws Exception {
        String id = runAndAwaitReady(listener("usr2", image).setStopSignal(Api.Signal.SIGUSR2).build());
        assertEquals(Api.Signal.SIGUSR2, Containers.status(cri, id).getStopSignal());
        Containers.stop(cri, id, 30);
        Api.ContainerStatus status = Containers.status(cri, id);
        assertEquals(0, status.getExitCode(), "it exited on the signal's trap, not by SIGKILL");
        assertTrue(read(Path.of(status.getLogPath())).contains("got-usr2"), read(Path.of(status.getLogPath())));
        assertEquals(Api.Signal.SIGUSR2, status.getStopSignal(), "still reported after the exit");
    }

    @Test
    void theImagesStopSignalIsTheDefaultAndTheRequestWinsOverIt() throws Exception {
        PushedImage usr1 = Containers.registry().push("stop/usr1:1", TestImages.busyboxBuilder().stopSignal("SIGUSR1").build());
        cri.images().pullImage(Api.PullImageRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(usr1.reference())).build());

        String byImage = runAndAwaitReady(listener("by-image", usr1.reference()).build());
        assertEquals(Api.Signal.SIGUSR1, Containers.status(cri, byImage).getStopSignal(), "the image's STOPSIGNAL");
        Containers.stop(cri, byImage, 30);
        assertTrue(read(Path.of(Containers.status(cri, byImage).getLogPath())).contains("got-usr1"));

        String overridden = runAndAwaitReady(listener("overridden", usr1.reference()).setStopSignal(Api.Signal.SIGTERM).build());
        assertEquals(Api.Signal.SIGTERM, Containers.status(cri, overridden).getStopSignal());
        Containers.stop(cri, overridden, 30);
        String log = read(Path.of(Containers.status(cri, overridden).getLogPath()));
        assertTrue(log.contains("got-term") && !log.contains("got-usr1"), log);
    }

    @Test
    void withoutAnyTheStatusSaysSigterm() {
        String id = Containers.create(cri, podId, pod, Containers.config("plain", image, "true").build());
        assertEquals(Api.Signal.SIGTERM, Containers.status(cri, id).getStopSignal());
    }
}
