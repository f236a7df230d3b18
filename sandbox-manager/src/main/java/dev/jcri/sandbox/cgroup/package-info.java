/**
 * The cgroup layer: everything jcri does with cgroups, on a cgroup root given as a parameter.
 *
 * <ul>
 *   <li>{@link dev.jcri.sandbox.cgroup.Cgroups}: the façade the pod and container managers use.</li>
 *   <li>{@link dev.jcri.sandbox.cgroup.CgroupLayout}: which hierarchies the node mounts (legacy v1,
 *       hybrid, unified v2), read from the mount table.</li>
 *   <li>{@link dev.jcri.sandbox.cgroup.CgroupManager}, one per driver (cgroupfs, systemd): how pod
 *       and container cgroups are named.</li>
 *   <li>{@code OwnedCgroups} with {@link dev.jcri.sandbox.cgroup.CgroupClaim}: the pod levels jcri
 *       creates, and which pods hold them; a level goes with its last holder, and one jcri did not
 *       make is never removed.</li>
 *   <li>One class per controller per version ({@code CpuV1}, {@code CpuV2}, {@code MemoryV1},
 *       {@code MemoryV2}, {@code Pids}, {@code HugetlbV1}, {@code HugetlbV2}, {@code BlkioV1},
 *       {@code IoV2}, {@code CpusetV1}, {@code CpusetV2}), driven by {@code ControllersV1} or
 *       {@code ControllersV2}: limits ({@link dev.jcri.sandbox.cgroup.CgroupLimits}, in OCI's terms)
 *       and readings ({@link dev.jcri.sandbox.cgroup.CgroupStats}, of what a
 *       {@link dev.jcri.sandbox.cgroup.Reading} set asks).</li>
 * </ul>
 *
 * <p>Container cgroups are the OCI runtime's: it makes and removes them from the
 * linux.cgroupsPath the manager names. jcri makes only a pod's missing cgroup_parent levels.
 */
package dev.jcri.sandbox.cgroup;
