package dev.jcri.conformance.chaos;

import dev.jcri.conformance.chaos.CriView.ContainerView;
import dev.jcri.conformance.chaos.CriView.PodView;
import dev.jcri.conformance.chaos.Findings.Kind;
import dev.jcri.conformance.chaos.Ledger.Container;
import dev.jcri.conformance.chaos.Ledger.Fate;
import dev.jcri.conformance.chaos.Ledger.Pod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import runtime.v1.Api;

/**
 * The checks after a restart, with the churn paused: the daemon's lists against the ledger (every
 * object answered OK and not removed is listed, in the state its calls imply), each listed
 * object against the host (a running container's process exists, a ready pod's netns is pinned,
 * ...), and everything of the run on the host against the lists (no mount, process, cgroup,
 * address, link, rule, runtime container, snapshot, record or bundle that no listed object owns:
 * a create cut by the kill is fully there or fully gone).
 */
final class Checker {

    /** One problem; {@code key} identifies the thing so that it is counted once over the run. */
    record Issue(Kind kind, String key, String detail) {}

    private static final Pattern CNI_ID = Pattern.compile("id: \\\\?\"([0-9a-f]{64})");

    private final List<Issue> issues = new ArrayList<>();
    private final CriView cri;
    private final HostFacts host;
    private final Map<String, PodView> podsById;
    private final Map<String, PodView> podsByName;
    private final Map<String, ContainerView> containersById;
    private final Map<String, ContainerView> containersByName;
    private final Map<String, HostFacts.RuntimeContainer> runtime;
    /** The cgroup parents (last element) of listed pods. */
    private final Set<String> podCgroups = new HashSet<>();
    /** Network namespace ("net:[INODE]") of each listed ready pod, by pod ID. */
    private final Map<String, String> readyNamespaces = new HashMap<>();

    private Checker(CriView cri, HostFacts host) {
        this.cri = cri;
        this.host = host;
        this.podsById = cri.pods().stream().collect(Collectors.toMap(PodView::id, Function.identity(), (a, b) -> a));
        this.podsByName = cri.pods().stream().collect(Collectors.toMap(PodView::name, Function.identity(), (a, b) -> a));
        this.containersById = cri.containers().stream().collect(Collectors.toMap(ContainerView::id, Function.identity(), (a, b) -> a));
        this.containersByName = cri.containers().stream()
                .collect(Collectors.toMap(ContainerView::name, Function.identity(), (a, b) -> a));
        this.runtime = host.runtimeContainers().stream()
                .collect(Collectors.toMap(HostFacts.RuntimeContainer::id, Function.identity(), (a, b) -> a));
        for (PodView p : cri.pods()) {
            if (p.state() == Api.PodSandboxState.SANDBOX_READY && !p.netns().isEmpty()) {
                readyNamespaces.put(p.id(), HostProbe.namespaceOf(Path.of(p.netns())));
            }
        }
    }

    /** Everything wrong now; the ledger must not change meanwhile (the churn is paused). */
    static List<Issue> check(Ledger ledger, CriView cri, HostFacts host) {
        Checker c = new Checker(cri, host);
        cri.problems().forEach(p -> c.add(Kind.WRONG, "cri " + Calls.normalize(p), p));
        synchronized (ledger) {
            for (Pod p : ledger.pods()) {
                int from = c.issues.size();
                c.pod(p);
                c.rekeyWrongs(from, p.createCut, "half pod " + p.name);
            }
            for (Container k : ledger.containers()) {
                int from = c.issues.size();
                c.container(k);
                c.rekeyWrongs(from, k.createCut, "half container " + k.name);
            }
        }
        c.halfObjects();
        return c.issues;
    }

    private void add(Kind kind, String key, String detail) {
        issues.add(new Issue(kind, key, detail));
    }

    /**
     * Whatever is wrong with an object whose create was cut by a kill is one finding, however it
     * shows over the restarts (no monitor first, then a lost exit...): the cut create is the cause.
     */
    private void rekeyWrongs(int from, boolean createCut, String key) {
        for (int i = from; createCut && i < issues.size(); i++) {
            Issue issue = issues.get(i);
            if (issue.kind() == Kind.WRONG) {
                issues.set(i, new Issue(Kind.WRONG, key, issue.detail()));
            }
        }
    }

    // ---------------------------------------------------------------- ledger → lists → host

    private void pod(Pod p) {
        if (p.create == Fate.NONE) {
            return; // refused, or not asked yet
        }
        PodView v = p.id != null ? podsById.get(p.id) : podsByName.get(p.name);
        if (p.gone) {
            if (v != null && p.remove == Fate.DONE) {
                add(Kind.WRONG, "resurrected " + p.name, p.label() + " is listed again (" + v.state()
                        + ") after RemovePodSandbox answered OK");
            }
            return;
        }
        if (v == null) {
            if (p.create == Fate.DONE && p.remove == Fate.NONE) {
                add(Kind.LOST, "pod " + p.name, p.label() + ": RunPodSandbox answered OK, it was never removed"
                        + (p.stop == Fate.DONE ? " (it was stopped)" : "") + ", and it is not listed");
            }
            return;
        }
        podCgroups.add(Path.of(p.config.getLinux().getCgroupParent()).getFileName().toString());
        if (p.createError != null) {
            add(Kind.WRONG, "half pod " + p.name, "RunPodSandbox of " + p.label() + " failed (" + p.createError
                    + "), yet the pod is listed (" + v.state() + ")");
        }
        boolean ready = v.state() == Api.PodSandboxState.SANDBOX_READY;
        String label = p.label() + (p.id == null ? " [" + Ledger.shortId(v.id()) + "]" : "");
        if (p.createCut && !ready && p.stop == Fate.NONE && p.remove == Fate.NONE) {
            add(Kind.WRONG, "half pod " + p.name, "RunPodSandbox of " + label + " was cut by the kill and the pod is listed"
                    + " NOTREADY: half made (a cut create must leave a ready pod or nothing)");
        } else if (p.stop == Fate.DONE && ready) {
            add(Kind.WRONG, "ready after stop " + p.name, label + " is READY after StopPodSandbox answered OK");
        } else if (p.create == Fate.DONE && p.stop == Fate.NONE && p.remove == Fate.NONE && !ready) {
            add(Kind.WRONG, "not ready " + p.name, label + " is NOTREADY though it was never stopped");
        }
        if (!ready) {
            return;
        }
        if (v.netns().isEmpty() || !host.mounts().contains(v.netns())) {
            add(Kind.WRONG, "netns " + p.name, "ready " + label + " has no pinned network namespace (pin " + v.netns() + ")");
        }
        if (!v.shm().isEmpty() && !host.mounts().contains(v.shm())) {
            add(Kind.WRONG, "shm " + p.name, "ready " + label + " has no /dev/shm mount (" + v.shm() + ")");
        }
        if (v.ips().isEmpty()) {
            add(Kind.WRONG, "no ip " + p.name, "ready " + label + " reports no IP address");
        }
        for (String ip : v.ips()) {
            String owner = host.ipam().get(ip);
            if (!v.id().equals(owner)) {
                add(Kind.WRONG, "ip " + p.name, "ready " + label + " reports " + ip + ", which host-local "
                        + (owner == null ? "does not hold" : "holds for " + owner));
            }
        }
        if (p.infra) {
            String ns = readyNamespaces.getOrDefault(v.id(), "");
            boolean alive = host.processes().stream()
                    .anyMatch(pr -> pr.comm().equals("catatonit") && !pr.zombie() && !ns.isEmpty() && pr.netns().equals(ns));
            if (!alive) {
                add(Kind.WRONG, "infra " + p.name, "ready " + label + " shares a PID namespace but no infra process"
                        + " (catatonit) runs in its network namespace");
            }
        }
    }

    private void container(Container c) {
        if (c.create == Fate.NONE) {
            return;
        }
        ContainerView v = c.id != null ? containersById.get(c.id) : containersByName.get(c.name);
        if (c.gone) {
            if (v != null && c.remove == Fate.DONE) {
                add(Kind.WRONG, "resurrected " + c.name, c.label() + " is listed again (" + v.state()
                        + ") after RemoveContainer answered OK");
            }
            return;
        }
        boolean podRemoved = c.pod.remove == Fate.DONE;
        if (v == null) {
            if (c.create == Fate.DONE && c.remove == Fate.NONE && c.pod.remove == Fate.NONE) {
                add(Kind.LOST, "container " + c.name, c.label() + ": CreateContainer answered OK, it was never removed"
                        + ", and it is not listed");
            }
            return;
        }
        String label = c.label() + (c.id == null ? " [" + Ledger.shortId(v.id()) + "]" : "");
        if (c.createError != null) {
            add(Kind.WRONG, "half container " + c.name, "CreateContainer of " + label + " failed (" + c.createError
                    + "), yet the container is listed (" + v.state() + ")");
        }
        if (podRemoved) {
            add(Kind.WRONG, "orphan " + c.name, label + " is still listed (" + v.state()
                    + ") after RemovePodSandbox of its pod answered OK");
        }
        PodView pod = podsById.get(v.podId());
        if (pod == null && !podRemoved) {
            add(Kind.WRONG, "no pod " + c.name, label + " is listed but its pod " + Ledger.shortId(v.podId()) + " is not");
        }
        expectedState(c, v, pod, label);
        hostState(v, label);
    }

    private void expectedState(Container c, ContainerView v, PodView pod, String label) {
        switch (v.state()) {
            case CONTAINER_EXITED -> {
                boolean askedToEnd = c.stop != Fate.NONE || c.remove != Fate.NONE || c.pod.stop != Fate.NONE
                        || c.pod.remove != Fate.NONE;
                if ((v.exitCode() == 255 || v.reason().equals("Unknown")) && c.createCut && c.start == Fate.NONE) {
                    add(Kind.WRONG, "half container " + c.name, "CreateContainer of " + label + " was cut by the kill, and the"
                            + " container is listed EXITED (" + v.exitCode() + ", " + v.reason() + ") instead of being there"
                            + " fully (CREATED) or not at all");
                } else if (v.exitCode() == 255 || v.reason().equals("Unknown")) {
                    add(Kind.WRONG, "exit lost " + c.name, label + " is EXITED with code " + v.exitCode() + " (" + v.reason()
                            + "): its real exit status was lost");
                } else if (!c.quitter && !askedToEnd) {
                    add(Kind.WRONG, "exited " + c.name, label + " is EXITED (" + v.exitCode() + ", " + v.reason()
                            + ") though it sleeps and nobody stopped it");
                } else if (v.exitCode() != 137 && !(c.quitter && v.exitCode() == 7)) {
                    add(Kind.WRONG, "exit code " + c.name, label + " exited with " + v.exitCode() + " (" + v.reason()
                            + "); expected " + (c.quitter ? "7 or 137" : "137 (SIGKILL)"));
                }
            }
            case CONTAINER_RUNNING -> {
                if (c.stop == Fate.DONE) {
                    add(Kind.WRONG, "running after stop " + c.name, label + " is RUNNING after StopContainer answered OK");
                }
                if (c.pod.stop == Fate.DONE || (pod != null && pod.state() == Api.PodSandboxState.SANDBOX_NOTREADY)) {
                    add(Kind.WRONG, "running in stopped pod " + c.name, label + " is RUNNING in a stopped pod");
                }
                if (c.start == Fate.NONE) {
                    add(Kind.WRONG, "running unstarted " + c.name, label + " is RUNNING though StartContainer never answered OK");
                }
            }
            case CONTAINER_CREATED -> {
                if (c.start == Fate.DONE) {
                    add(Kind.WRONG, "created after start " + c.name, label + " is CREATED after StartContainer answered OK");
                }
                if (c.stop == Fate.DONE) {
                    add(Kind.WRONG, "created after stop " + c.name, label + " is CREATED after StopContainer answered OK");
                }
            }
            default -> add(Kind.WRONG, "state " + c.name, label + " is in state " + v.state());
        }
    }

    private void hostState(ContainerView v, String label) {
        String key = v.name();
        if (!v.rootfs().isEmpty() && !host.mounts().contains(v.rootfs())) {
            add(Kind.WRONG, "rootfs " + key, label + " (" + v.state() + ") has no rootfs mount at " + v.rootfs());
        }
        HostFacts.RuntimeContainer rt = runtime.get(v.id());
        String rtStatus = rt == null ? "no such container" : rt.status();
        List<HostProcess> inCgroup = host.processes().stream().filter(p -> !p.zombie() && p.inCgroupNamed(v.id())).toList();
        boolean monitored = host.processes().stream()
                .anyMatch(p -> !p.zombie() && p.comm().equals("conmon") && p.argument("--cid").equals(v.id()));
        if (v.state() != Api.ContainerState.CONTAINER_EXITED && !monitored) {
            add(Kind.WRONG, "no conmon " + key, label + " is " + v.state() + " but no conmon monitors it: its exit can never"
                    + " be recorded (so StopContainer and RemoveContainer wait for it in vain)");
        }
        switch (v.state()) {
            case CONTAINER_CREATED -> {
                if (rt == null || !rt.status().equals("created")) {
                    add(Kind.WRONG, "runtime state " + key, label + " is CREATED, the OCI runtime says: " + rtStatus);
                }
            }
            case CONTAINER_RUNNING -> {
                if (rt == null || !rt.status().equals("running")) {
                    add(Kind.WRONG, "runtime state " + key, label + " is RUNNING, the OCI runtime says: " + rtStatus);
                }
                boolean alive = v.pid() > 0 && inCgroup.stream().anyMatch(p -> p.pid() == v.pid());
                if (!alive) {
                    add(Kind.WRONG, "process " + key, label + " is RUNNING but its process (pid " + v.pid()
                            + " in its cgroup) does not exist");
                } else if (rt != null && rt.pid() != v.pid()) {
                    add(Kind.WRONG, "pid " + key, label + " reports pid " + v.pid() + ", the runtime " + rt.pid());
                }
            }
            case CONTAINER_EXITED -> {
                if (rt != null && !rt.status().equals("stopped")) {
                    add(Kind.WRONG, "runtime state " + key, label + " is EXITED, the OCI runtime says: " + rtStatus);
                }
                if (!inCgroup.isEmpty()) {
                    add(Kind.WRONG, "exited with processes " + key, label + " is EXITED but processes run in its cgroup: "
                            + inCgroup.stream().map(HostProcess::describe).toList());
                }
            }
            default -> { }
        }
    }

    // ---------------------------------------------------------------- host → lists

    private void halfObjects() {
        Set<String> podIds = podsById.keySet();
        Set<String> containerIds = containersById.keySet();
        for (String dir : List.of("root/pods", "state/pods")) {
            for (String name : host.entries(dir)) {
                if (!podIds.contains(name)) {
                    add(Kind.LEAKED, dir + "/" + name, dir + "/" + name + ": no listed pod has this ID (a pod half made or half removed)");
                }
            }
        }
        for (String dir : List.of("root/containers", "state/containers", "state/exits", "state/attach")) {
            for (String name : host.entries(dir)) {
                if (!containerIds.contains(name)) {
                    add(Kind.LEAKED, dir + "/" + name, dir + "/" + name + ": no listed container has this ID");
                }
            }
        }
        for (String name : host.entries("root/cni/results")) {
            if (podIds.stream().noneMatch(name::contains)) {
                add(Kind.LEAKED, "root/cni/results/" + name, "CNI result cache root/cni/results/" + name + ": no listed pod owns it");
            }
        }
        for (HostFacts.RuntimeContainer rt : host.runtimeContainers()) {
            if (!containerIds.contains(rt.id())) {
                add(Kind.LEAKED, "runtime container " + rt.id(), "the OCI runtime still has container " + rt.id() + " ("
                        + rt.status() + ", pid " + rt.pid() + "), which no listed container is");
            }
        }
        for (String key : host.activeSnapshots()) {
            if (!containerIds.contains(key)) {
                add(Kind.LEAKED, "snapshot " + key, "writable snapshot " + key + " belongs to no listed container");
            }
        }
        mounts();
        processes();
        cgroups();
        network();
    }

    private void mounts() {
        Set<String> owned = new HashSet<>();
        for (PodView p : cri.pods()) {
            if (p.state() == Api.PodSandboxState.SANDBOX_READY) {
                owned.add(p.netns());
            }
            if (!p.netns().isEmpty()) {
                // its IPC and UTS pins sit beside the network one and stay until the pod is removed
                owned.add(Path.of(p.netns()).resolveSibling("ipc").toString());
                owned.add(Path.of(p.netns()).resolveSibling("uts").toString());
            }
            owned.add(p.shm());
        }
        cri.containers().forEach(c -> owned.add(c.rootfs()));
        for (String m : host.mounts()) {
            if (!owned.contains(m)) {
                add(Kind.LEAKED, "mount " + m, "mount " + m + ": no listed object owns it");
            }
        }
    }

    private void processes() {
        for (HostProcess p : host.processes()) {
            if (p.zombie()) {
                continue; // exited; reaping is its parent's business
            }
            if (p.comm().equals("conmon")) {
                ContainerView c = containersById.get(p.argument("--cid"));
                if (c == null || c.state() == Api.ContainerState.CONTAINER_EXITED) {
                    add(Kind.LEAKED, "process " + p.pid(), "conmon of " + (c == null ? "no listed container" : "exited " + c.name())
                            + ": " + p.describe());
                }
                continue;
            }
            ContainerView owner = cri.containers().stream().filter(c -> p.inCgroupNamed(c.id())).findFirst().orElse(null);
            if (owner != null) {
                if (owner.state() == Api.ContainerState.CONTAINER_EXITED) {
                    add(Kind.LEAKED, "process " + p.pid(), "process of exited container " + owner.name() + ": " + p.describe());
                }
                continue;
            }
            boolean infraOfReadyPod = (p.comm().equals("catatonit") || p.comm().equals("unshare"))
                    && readyNamespaces.containsValue(p.netns());
            if (!infraOfReadyPod) {
                add(Kind.LEAKED, "process " + p.pid(), "process no listed object owns: " + p.describe() + " (cgroups "
                        + p.cgroups().stream().distinct().limit(2).toList() + ")");
            }
        }
    }

    private void cgroups() {
        host.cgroupsByPath().forEach((path, hierarchies) -> {
            String[] parts = path.replaceAll("^/+", "").split("/");
            boolean owned = podCgroups.contains(parts[0]) && (parts.length == 1 || containersById.containsKey(parts[1]));
            if (!owned) {
                add(Kind.LEAKED, "cgroup " + path, "cgroup <parent>" + path + " (in " + String.join(",", hierarchies)
                        + "): no listed object owns it");
            }
        });
    }

    private void network() {
        Set<String> ready = readyNamespaces.keySet();
        host.ipam().forEach((ip, owner) -> {
            if (!ready.contains(owner)) {
                add(Kind.LEAKED, "ip " + ip, "address " + ip + " is allocated to " + owner + ", which is no listed ready pod");
            }
        });
        Set<Integer> peers = new HashSet<>();
        for (PodView p : cri.pods()) {
            if (ready.contains(p.id())) {
                peers.add(HostProbe.peerIndex(Path.of(p.netns())));
            }
        }
        host.veths().forEach((index, name) -> {
            if (!peers.contains(index)) {
                add(Kind.LEAKED, "link " + name, "link " + name + " on the bridge: the eth0 of no listed ready pod");
            }
        });
        Map<String, List<String>> rulesById = new LinkedHashMap<>();
        for (String line : host.iptables()) {
            Matcher m = CNI_ID.matcher(line);
            if (m.find() && !ready.contains(m.group(1))) {
                rulesById.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(line);
            }
        }
        rulesById.forEach((id, lines) -> add(Kind.LEAKED, "iptables " + id, lines.size() + " iptables rule(s) for "
                + Ledger.shortId(id) + ", which is no listed ready pod: " + lines.getFirst()));
    }
}
