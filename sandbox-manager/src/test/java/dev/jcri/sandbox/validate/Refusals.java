package dev.jcri.sandbox.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jcri.errors.JcriException;
import org.junit.jupiter.api.function.Executable;

/** Assertions of this package's tests: a rule refuses with a kind and names the field. */
final class Refusals {

    private Refusals() {}

    /** The check is refused as INVALID_ARGUMENT naming {@code field}. */
    static JcriException invalid(String field, Executable check) {
        return refused(JcriException.Kind.INVALID_ARGUMENT, field, check);
    }

    /** The check is refused as OUT_OF_RANGE naming {@code field}. */
    static JcriException outOfRange(String field, Executable check) {
        return refused(JcriException.Kind.OUT_OF_RANGE, field, check);
    }

    private static JcriException refused(JcriException.Kind kind, String field, Executable check) {
        JcriException e = assertThrows(JcriException.class, check);
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        return e;
    }
}
