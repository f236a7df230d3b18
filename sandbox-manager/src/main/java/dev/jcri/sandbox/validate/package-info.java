/**
 * Every check of a CRI request that needs no host change, in one place: RunPodSandbox
 * ({@link dev.jcri.sandbox.validate.PodConfigRules}), CreateContainer
 * ({@link dev.jcri.sandbox.validate.ContainerConfigRules}), UpdateContainerResources
 * ({@link dev.jcri.sandbox.validate.ResourceRules}) and UpdateRuntimeConfig
 * ({@link dev.jcri.sandbox.validate.RuntimeConfigRules}). The managers call one of them first, so a
 * bad request is refused before anything is made, with the full proto path of the field at fault
 * ({@code config.linux.resources.cpu_shares}).
 *
 * <p>What is accepted is what kubelet sends and containerd or CRI-O accept: the limits are the
 * kernel's (PATH_MAX, MAX_ARG_STRLEN, HOST_NAME_MAX, cgroup ranges) or Kubernetes' own, never
 * tighter than a valid pod needs. Rules that depend on objects (a TARGET container, an image's
 * files, the runtime handler's features) stay with the code that knows those objects.
 */
package dev.jcri.sandbox.validate;
