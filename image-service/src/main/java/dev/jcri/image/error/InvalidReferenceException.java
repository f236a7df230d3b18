package dev.jcri.image.error;

/** A reference or digest that does not parse (the message names it and says what is wrong). */
public final class InvalidReferenceException extends ImageException {
    public InvalidReferenceException(String message) {
        super(message);
    }

    @Override
    public String reason() {
        return "invalid_reference";
    }
}
