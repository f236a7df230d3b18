package dev.jcri.image.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.image.error.NoMatchingPlatformException;
import dev.jcri.image.error.UnsupportedImageException;
import dev.jcri.image.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestAndPlatformTest {

    private static final Platform AMD64 = new Platform("linux", "amd64", "");
    private static final Platform ARM64 = new Platform("linux", "arm64", "");

    private static String d(char c) {
        return "sha256:" + String.valueOf(c).repeat(64);
    }

    private static byte[] b(String s) {
        return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }

    private static Descriptor entry(char c, String os, String arch, String variant) {
        return new Descriptor(MediaTypes.OCI_MANIFEST, Digest.of(d(c)), 100, new Platform(os, arch, variant), Map.of());
    }

    @Test
    void parsesAnOciIndexWithPlatforms() throws Exception {
        ManifestDocument doc = ManifestParser.parse(b("{'schemaVersion':2,'mediaType':'" + MediaTypes.OCI_INDEX
                + "','manifests':[{'mediaType':'" + MediaTypes.OCI_MANIFEST + "','digest':'" + d('a')
                + "','size':10,'platform':{'os':'linux','architecture':'arm64','variant':'v8'}}]}"), null, "x");
        ImageIndex index = assertInstanceOf(ImageIndex.class, doc);
        assertEquals("linux/arm64/v8", index.manifests().getFirst().platform().toString());
    }

    @Test
    void parsesADockerManifestByContentTypeWhenTheFieldIsMissing() throws Exception {
        ManifestDocument doc = ManifestParser.parse(b("{'schemaVersion':2,'config':{'mediaType':'" + MediaTypes.DOCKER_CONFIG
                + "','digest':'" + d('c') + "','size':5},'layers':[{'mediaType':'" + MediaTypes.DOCKER_LAYER_GZIP
                + "','digest':'" + d('l') .replace('l', 'b') + "','size':7}]}"), MediaTypes.DOCKER_MANIFEST + "; charset=utf-8", "x");
        ImageManifest m = assertInstanceOf(ImageManifest.class, doc);
        assertEquals(MediaTypes.DOCKER_MANIFEST, m.mediaType());
        assertEquals(MediaTypes.Compression.GZIP, MediaTypes.layerCompression(m.layers().getFirst().mediaType()));
    }

    @Test
    void refusesSchema1AndUnknownLayerTypes() {
        UnsupportedImageException e = assertThrows(UnsupportedImageException.class,
                () -> ManifestParser.parse(b("{'schemaVersion':1,'name':'x'}"), null, "docker.io/library/old:1"));
        assertTrue(e.getMessage().contains("schema 1") && e.getMessage().contains("docker.io/library/old:1"), e.getMessage());
        assertThrows(UnsupportedImageException.class, () -> ManifestParser.parse(b("{'schemaVersion':2,'mediaType':'"
                + MediaTypes.OCI_MANIFEST + "','config':{'digest':'" + d('c') + "','size':5},'layers':[{'mediaType':"
                + "'application/x-foo','digest':'" + d('b') + "','size':7}]}"), null, "x"));
    }

    @Test
    void selectsThisNodesPlatform() throws Exception {
        ImageIndex index = new ImageIndex(MediaTypes.OCI_INDEX, List.of(entry('a', "linux", "arm", "v7"),
                entry('b', "linux", "arm64", "v8"), entry('c', "linux", "amd64", ""), entry('d', "unknown", "unknown", "")));
        assertEquals(d('c'), PlatformSelector.select(index, AMD64, "x").digest().toString());
        assertEquals(d('b'), PlatformSelector.select(index, ARM64, "x").digest().toString());
        assertEquals(d('a'), PlatformSelector.select(index, new Platform("linux", "arm", "v8"), "x").digest().toString());
    }

    @Test
    void prefersAnExactVariant() throws Exception {
        ImageIndex index = new ImageIndex(MediaTypes.OCI_INDEX, List.of(entry('a', "linux", "arm", "v6"),
                entry('b', "linux", "arm", "v7"), entry('c', "linux", "arm", "")));
        assertEquals(d('b'), PlatformSelector.select(index, new Platform("linux", "arm", "v7"), "x").digest().toString());
        assertEquals(d('c'), PlatformSelector.select(index, new Platform("linux", "arm", "v5"), "x").digest().toString());
    }

    @Test
    void noMatchingPlatformListsWhatTheIndexOffers() {
        ImageIndex index = new ImageIndex(MediaTypes.OCI_INDEX, List.of(entry('a', "linux", "arm64", "v8"),
                entry('b', "windows", "amd64", "")));
        NoMatchingPlatformException e = assertThrows(NoMatchingPlatformException.class,
                () -> PlatformSelector.select(index, AMD64, "example.com/app:1"));
        assertTrue(e.getMessage().contains("linux/amd64") && e.getMessage().contains("linux/arm64/v8")
                && e.getMessage().contains("windows/amd64") && e.getMessage().contains("example.com/app:1"), e.getMessage());
    }

    @Test
    void normalisesArchitectureNames() {
        assertEquals("linux/amd64", new Platform("linux", "x86_64", null).toString());
        assertEquals("linux/arm64/v8", new Platform("Linux", "aarch64", "8").toString());
    }

    @Test
    void chainIdsFollowTheOciSpec() {
        Digest a = Digest.of(d('a'));
        Digest b = Digest.of(d('b'));
        List<Digest> chain = ChainIds.of(List.of(a, b));
        assertEquals(a, chain.get(0));
        assertEquals(Digest.sha256(d('a') + " " + d('b')), chain.get(1));
    }

    @Test
    void configUser() throws Exception {
        ImageConfig c = ImageConfig.parse(b("{'os':'linux','config':{'User':'1000:50','Env':['A=b']},'rootfs':{'diff_ids':[]}}"), "x");
        assertEquals(1000L, c.numericUid());
        ImageConfig named = ImageConfig.parse(b("{'config':{'User':'app'}}"), "x");
        assertEquals("app", named.userName());
        assertEquals(null, named.numericUid());
    }
}
