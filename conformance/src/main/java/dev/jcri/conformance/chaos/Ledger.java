package dev.jcri.conformance.chaos;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import runtime.v1.Api;

/**
 * What the daemon told the churn workers: every pod and container asked for, and for each verb
 * whether the daemon answered OK ({@link Fate#DONE}), or the call was cut by a kill so it may or
 * may not have happened ({@link Fate#CUT}). The checks after a restart hold the daemon's lists
 * and the host against it; then {@link #resolve} turns each cut call into what the restarted
 * daemon shows.
 *
 * <p>Guarded by its own monitor: workers change entries inside {@code synchronized (ledger)}.
 */
final class Ledger {

    /** What became of one call on one object. */
    enum Fate {
        /** Not asked, or refused. */
        NONE,
        /** In flight when the daemon was killed, or failed: it may or may not have happened (in part). */
        CUT,
        /** Answered OK. */
        DONE
    }

    /** One pod sandbox asked for. Fields change under the ledger's lock. */
    static final class Pod {
        final int worker;
        final String name;
        final String uid;
        final boolean infra;
        final Api.PodSandboxConfig config;
        String id;
        Fate create = Fate.NONE;
        /** Its create was cut by a kill or failed (stays true after {@link #resolve} adopts it). */
        boolean createCut;
        /** The error its create failed with, or null. */
        String createError;
        Fate stop = Fate.NONE;
        Fate remove = Fate.NONE;
        /** Known not to exist: refused, removed, or cut and then not listed. */
        boolean gone;
        /** System.nanoTime() when a StopPodSandbox answered OK. */
        long stoppedAt = Long.MAX_VALUE;

        Pod(int worker, String name, String uid, boolean infra, Api.PodSandboxConfig config) {
            this.worker = worker;
            this.name = name;
            this.uid = uid;
            this.infra = infra;
            this.config = config;
        }

        /** Exists as far as the answers go. */
        boolean live() {
            return create == Fate.DONE && !gone && remove != Fate.DONE;
        }

        /** Live and never asked to stop: containers may be created and started in it. */
        boolean ready() {
            return live() && stop == Fate.NONE && remove == Fate.NONE;
        }

        String label() {
            return "pod " + name + (id == null ? "" : " " + shortId(id)) + (infra ? " (pid: POD)" : "");
        }
    }

    /** One container asked for. Fields change under the ledger's lock. */
    static final class Container {
        final int worker;
        final String name;
        final Pod pod;
        /** Runs {@code exit 7} at once (the others sleep until killed). */
        final boolean quitter;
        final Api.ContainerConfig config;
        String id;
        Fate create = Fate.NONE;
        /** Its create was cut by a kill or failed (stays true after {@link #resolve} adopts it). */
        boolean createCut;
        /** The error its create failed with, or null. */
        String createError;
        Fate start = Fate.NONE;
        Fate stop = Fate.NONE;
        Fate remove = Fate.NONE;
        boolean gone;

        Container(int worker, String name, Pod pod, boolean quitter, Api.ContainerConfig config) {
            this.worker = worker;
            this.name = name;
            this.pod = pod;
            this.quitter = quitter;
            this.config = config;
        }

        boolean live() {
            return create == Fate.DONE && !gone && remove != Fate.DONE && pod.remove != Fate.DONE && !pod.gone;
        }

        String label() {
            return "container " + name + (id == null ? "" : " " + shortId(id)) + (quitter ? " (exits 7)" : " (sleeps)")
                    + " in " + pod.label();
        }
    }

    private final List<Pod> pods = new ArrayList<>();
    private final List<Container> containers = new ArrayList<>();

    synchronized Pod addPod(Pod pod) {
        pods.add(pod);
        return pod;
    }

    synchronized Container addContainer(Container container) {
        containers.add(container);
        return container;
    }

    synchronized List<Pod> pods() {
        return List.copyOf(pods);
    }

    synchronized List<Container> containers() {
        return List.copyOf(containers);
    }

    synchronized List<Container> containersOf(Pod pod) {
        return containers.stream().filter(c -> c.pod == pod).toList();
    }

    /**
     * After the checks of a restart: the cut calls become what the daemon now shows (a cut create
     * whose object is listed is adopted, one not listed never happened; a cut remove whose object
     * is gone happened...), and objects reported lost are dropped, so each is reported once.
     */
    synchronized void resolve(CriView view) {
        Map<String, CriView.PodView> podsByName = view.pods().stream()
                .collect(Collectors.toMap(CriView.PodView::name, Function.identity(), (a, b) -> a));
        Map<String, CriView.ContainerView> containersByName = view.containers().stream()
                .collect(Collectors.toMap(CriView.ContainerView::name, Function.identity(), (a, b) -> a));
        // a cut StopPodSandbox or RemovePodSandbox may have killed the pod's containers before it was cut
        Set<Pod> cutEnds = new HashSet<>();
        for (Pod p : pods) {
            if (p.stop == Fate.CUT || p.remove == Fate.CUT) {
                cutEnds.add(p);
            }
        }
        for (Pod p : pods) {
            if (p.gone || p.create == Fate.NONE) {
                continue;
            }
            CriView.PodView seen = podsByName.get(p.name);
            if (seen == null) {
                p.gone = true;
                continue;
            }
            p.id = seen.id();
            p.create = Fate.DONE;
            boolean notReady = seen.state() == Api.PodSandboxState.SANDBOX_NOTREADY;
            if (p.remove == Fate.CUT) {
                p.remove = Fate.NONE; // it did not finish; it may have stopped the pod first
                p.stop = notReady ? Fate.DONE : p.stop;
            }
            if (p.stop == Fate.CUT) {
                p.stop = notReady ? Fate.DONE : Fate.NONE;
            }
            if (p.stop == Fate.DONE && p.stoppedAt == Long.MAX_VALUE) {
                p.stoppedAt = System.nanoTime();
            }
        }
        for (Container c : containers) {
            if (c.gone || c.create == Fate.NONE) {
                continue;
            }
            CriView.ContainerView seen = containersByName.get(c.name);
            if (seen == null) {
                c.gone = true;
                continue;
            }
            c.id = seen.id();
            c.create = Fate.DONE;
            Api.ContainerState state = seen.state();
            if (cutEnds.contains(c.pod) && state == Api.ContainerState.CONTAINER_EXITED) {
                c.stop = Fate.DONE;
            }
            if (c.remove == Fate.CUT) {
                c.remove = Fate.NONE; // it did not finish; it may have killed the container first
                c.stop = state == Api.ContainerState.CONTAINER_EXITED ? Fate.DONE : c.stop;
            }
            if (c.start == Fate.CUT) {
                c.start = state == Api.ContainerState.CONTAINER_CREATED ? Fate.NONE : Fate.DONE;
            }
            if (c.stop == Fate.CUT) {
                c.stop = state == Api.ContainerState.CONTAINER_EXITED ? Fate.DONE : Fate.NONE;
            }
        }
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
