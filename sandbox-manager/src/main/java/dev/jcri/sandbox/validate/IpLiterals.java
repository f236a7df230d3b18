package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.net.InetAddress;

/**
 * IP addresses and CIDRs as text, parsed as literals only: a name is never resolved (a request
 * must not make jcri query DNS, and "localhost" is no address).
 */
public final class IpLiterals {

    private IpLiterals() {}

    /** An IPv4 or IPv6 address literal. */
    public static InetAddress address(String field, String text) throws JcriException {
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw JcriException.invalidArgument(field, "\"" + TextRules.shown(text) + "\" is not an IP address");
        }
    }

    /** {@code address/prefix}, the prefix within the address's length (32 or 128). */
    public static void cidr(String field, String text) throws JcriException {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw JcriException.invalidArgument(field, "\"" + TextRules.shown(text) + "\" is not a CIDR like 10.244.0.0/24");
        }
        InetAddress address = address(field, text.substring(0, slash));
        String prefix = text.substring(slash + 1);
        int bits = address.getAddress().length * 8;
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(prefix) > bits) {
            throw JcriException.invalidArgument(field, "\"" + TextRules.shown(text) + "\" has no prefix length within 0.."
                    + bits);
        }
    }
}
