package dev.jcri.image.error;

import dev.jcri.errors.JcriException;
/** A reference or digest that does not parse (the message names it and says what is wrong). */
public final class InvalidReferenceException extends ImageException {
    public InvalidReferenceException(String message) {
        super(JcriException.Kind.INVALID_ARGUMENT, message);
    }

    @Override
    public String reason() {
        return "invalid_reference";
    }
}
