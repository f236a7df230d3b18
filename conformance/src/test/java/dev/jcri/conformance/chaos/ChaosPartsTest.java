package dev.jcri.conformance.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The chaos tool's pure pieces: its command line, what counts as a leaked file, rule parsing, error grouping. */
class ChaosPartsTest {

    @Test
    void optionsParseWithDefaultsAndRefuseNonsense() {
        ChaosOptions o = ChaosOptions.parse("--kills", "200", "--seed", "42", "--churn-ms", "100,900", "--handler", "crun");
        assertEquals(200, o.kills());
        assertEquals(42, o.seed());
        assertEquals(100, o.minChurnMillis());
        assertEquals(900, o.maxChurnMillis());
        assertEquals("crun", o.handler());
        assertEquals(0, o.answerLimitMillis(), "start-up times are reported, not judged, unless asked");
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse("--answer-limit-ms", "-1"));
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse("--kills", "0"));
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse("--handler", "kata"));
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse("--churn-ms", "900,100"));
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse("--kills"));
        assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse("--bogus"));
    }

    @Test
    void aNewObjectDirectoryIsOneLeakAndNewSkeletonDirectoriesAreNone() {
        Set<String> before = new TreeSet<>(List.of("root/", "root/images/", "root/images/images.json", "state/"));
        Set<String> after = new TreeSet<>(before);
        after.addAll(List.of("state/attach/", "state/exits/", // skeleton made on first use, empty
                "state/attach/0123456789abcdef0123", // a file left in it
                "root/pods/", "root/pods/aaaaaaaaaaaaaaaa/", "root/pods/aaaaaaaaaaaaaaaa/pod.json", // an object dir
                "root/snapshots/snapshots/7/", "root/snapshots/snapshots/7/fs/"));
        assertEquals(List.of("root/pods/aaaaaaaaaaaaaaaa/", "root/snapshots/snapshots/7/", "state/attach/0123456789abcdef0123"),
                ChaosRun.newFiles(before, after));
    }

    @Test
    void savedRulesSplitIntoTheArgumentsIptablesWants() {
        assertEquals(List.of("CNI-HOSTPORT-DNAT", "-p", "tcp", "-m", "comment", "--comment",
                        "dnat name: \"net\" id: \"abc\"", "-j", "CNI-DN-1"),
                IptablesCleanup.words("CNI-HOSTPORT-DNAT -p tcp -m comment --comment \"dnat name: \\\"net\\\" id: \\\"abc\\\"\" -j CNI-DN-1"));
    }

    @Test
    void findingsAreCountedOnceAndDigestedByShape() {
        Findings f = new Findings();
        String a = "state/attach/" + "a".repeat(64);
        String b = "state/attach/" + "b".repeat(64);
        assertTrue(f.add(Findings.Kind.LEAKED, a, a + ": no listed container", "after kill 1"));
        assertTrue(f.add(Findings.Kind.LEAKED, b, b + ": no listed container", "after kill 2"));
        assertFalse(f.add(Findings.Kind.LEAKED, a, "seen again", "at the end"));
        assertTrue(f.add(Findings.Kind.WRONG, "half container w1-c3", "container w1-c3 is EXITED with 255", "after kill 3"));
        assertEquals(2, f.count(Findings.Kind.LEAKED));
        assertEquals(1, f.count(Findings.Kind.WRONG));
        assertEquals(0, f.count(Findings.Kind.LOST));
        assertEquals(Map.of("state/attach/ID: no listed container", 2), f.digest(Findings.Kind.LEAKED));
        assertEquals(Map.of("container NAME is EXITED with N", 1), f.digest(Findings.Kind.WRONG));
    }

    @Test
    void errorsOfOneKindAreOneLine() {
        String a = Calls.normalize("RemoveContainer INTERNAL: container " + "a".repeat(64) + " did not exit within 30 s");
        String b = Calls.normalize("RemoveContainer INTERNAL: container " + "b".repeat(64) + " did not exit within 30 s");
        assertEquals(a, b);
        assertTrue(a.contains("<id>"), a);
    }

    @Test
    void aProcessIsOfTheContainerWhoseIdItsCgroupNames() {
        HostProcess p = new HostProcess(1, 0, "sleep", "sleep 100000", "/", List.of("/jcri-chaos-1/w1-p1/" + "c".repeat(64)),
                "net:[1]", false);
        assertTrue(p.inCgroupNamed("c".repeat(64)));
        assertTrue(p.inCgroupNamed("w1-p1"));
        assertEquals("", p.argument("--cid"));
        HostProcess conmon = new HostProcess(2, 1, "conmon", "conmon --api-version 1 --cid abc --cuuid abc", "/", List.of("/"),
                "net:[2]", false);
        assertEquals("abc", conmon.argument("--cid"));
    }
}
