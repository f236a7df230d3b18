package dev.jcri.sandbox.pod;

import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import runtime.v1.Api;

/** The pod's /etc/hostname, /etc/hosts and /etc/resolv.conf, which its containers bind-mount. */
public final class PodFiles {

    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    private static final Path HOST_HOSTS = Path.of("/etc/hosts");
    /**
     * Containers bind-mount these files, and their users need not be root: readable by all. (The
     * pod's directory above stays private: a bind mount needs no path to its source.)
     */
    private static final int BIND_MOUNTED_MODE = 0644;

    private PodFiles() {}

    public static void write(PodPaths paths, String hostname, boolean hostNetwork, Api.DNSConfig dns) throws IOException {
        PrivateFiles.createDirectories(paths.rootDir());
        AtomicFiles.write(paths.hostname(), BIND_MOUNTED_MODE, (hostname + "\n").getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(paths.hosts(), BIND_MOUNTED_MODE, hostNetwork && Files.isReadable(HOST_HOSTS)
                ? Files.readAllBytes(HOST_HOSTS)
                : hosts(hostname).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(paths.resolvConf(), BIND_MOUNTED_MODE, dns.getServersCount() + dns.getSearchesCount() + dns.getOptionsCount() > 0
                ? resolvConf(dns).getBytes(StandardCharsets.UTF_8)
                : hostResolvConf());
    }

    /** The pod's own hosts file: loopback names and the pod hostname on the loopback (kubelet adds its own when it manages hosts). */
    static String hosts(String hostname) {
        return """
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                fe00::0\tip6-localnet
                fe00::0\tip6-mcastprefix
                fe00::1\tip6-allnodes
                fe00::2\tip6-allrouters
                """;
    }

    /** resolv.conf from the CRI DNSConfig, in the order kubelet composed it. */
    static String resolvConf(Api.DNSConfig dns) {
        StringBuilder out = new StringBuilder();
        if (dns.getSearchesCount() > 0) {
            out.append("search ").append(String.join(" ", dns.getSearchesList())).append('\n');
        }
        for (String server : dns.getServersList()) {
            out.append("nameserver ").append(server).append('\n');
        }
        if (dns.getOptionsCount() > 0) {
            out.append("options ").append(String.join(" ", dns.getOptionsList())).append('\n');
        }
        return out.toString();
    }

    private static byte[] hostResolvConf() throws IOException {
        return Files.isReadable(HOST_RESOLV_CONF) ? Files.readAllBytes(HOST_RESOLV_CONF) : new byte[0];
    }
}
