package dev.jcri.sandbox.container;

/** A terminal's window size in character cells (0 = unknown). */
public record TerminalSize(int columns, int rows) {

    /** The size a terminal gets when the client named none (the classic 80x24). */
    public static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    public TerminalSize {
        if (columns < 0 || columns > 65535 || rows < 0 || rows > 65535) {
            throw new IllegalArgumentException("terminal size out of range: " + columns + "x" + rows);
        }
    }
}
