package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.util.BitSet;

/**
 * The kernel's list format of CPUs and memory nodes ({@code cpuset.cpus}, {@code /sys/.../online}):
 * numbers and ranges separated by commas, {@code 0-3,8}. kubelet's CPU manager writes exactly this
 * form; a range backwards, an empty item or a number beyond any machine is a malformed request.
 */
public final class CpuList {

    /** Far beyond any machine (the kernel's NR_CPUS tops out at 8192): a bound on the bit set's size. */
    static final int MAX_INDEX = 1 << 16;

    private CpuList() {}

    /** The indices the list names; an empty list names none. */
    public static BitSet parse(String field, String list) throws JcriException {
        BitSet set = new BitSet();
        if (list.isEmpty()) {
            return set;
        }
        for (String item : list.split(",", -1)) {
            int dash = item.indexOf('-');
            int from = number(field, dash < 0 ? item : item.substring(0, dash), list);
            int to = dash < 0 ? from : number(field, item.substring(dash + 1), list);
            if (to < from) {
                throw JcriException.invalidArgument(field, "range " + item + " is backwards in \"" + TextRules.shown(list) + "\"");
            }
            set.set(from, to + 1);
        }
        return set;
    }

    private static int number(String field, String digits, String list) throws JcriException {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw JcriException.invalidArgument(field, "not a list like 0-3,8: \"" + TextRules.shown(list) + "\"");
        }
        int n = Integer.parseInt(digits);
        if (n > MAX_INDEX) {
            throw JcriException.outOfRange(field, n + " is beyond any machine in \"" + TextRules.shown(list) + "\"");
        }
        return n;
    }

    /** The list form of a set ({0,1,2,3,8} → "0-3,8"), for messages. */
    static String format(BitSet set) {
        StringBuilder out = new StringBuilder();
        for (int i = set.nextSetBit(0); i >= 0; ) {
            int end = set.nextClearBit(i) - 1;
            out.append(out.isEmpty() ? "" : ",").append(i).append(end > i ? "-" + end : "");
            i = set.nextSetBit(end + 1);
        }
        return out.toString();
    }
}
