package dev.jcri.cni;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ("10M", "1Gi", "500k", "1e6", "0.5G") as kubelet writes them in
 * the bandwidth annotations. {@link #value} rounds up to a whole number, like resource.Quantity.Value().
 */
final class Quantity {
    private Quantity() {}

    private static final Pattern FORMAT = Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(.*)");
    private static final Pattern EXPONENT = Pattern.compile("[eE]([+-]?[0-9]+)");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    static BigDecimal parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("quantity is missing");
        }
        String s = text.strip();
        Matcher m = FORMAT.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            throw new IllegalArgumentException("invalid quantity '" + text + "'");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        BigDecimal factor = SUFFIXES.get(suffix);
        if (factor == null) {
            Matcher e = EXPONENT.matcher(suffix);
            if (!e.matches()) {
                throw new IllegalArgumentException("invalid quantity '" + text + "': unknown suffix '" + suffix + "'");
            }
            factor = BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(e.group(1)));
        }
        return number.multiply(factor);
    }

    /** The value rounded up to an integer (Kubernetes' Quantity.Value()). */
    static long value(String text) {
        return parse(text).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
