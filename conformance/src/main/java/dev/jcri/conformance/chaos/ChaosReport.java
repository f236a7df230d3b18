package dev.jcri.conformance.chaos;

/**
 * The outcome of a chaos run: the counts, and the full text (findings with details, errors,
 * timings) whose last line is {@link #lastLine()}.
 */
public record ChaosReport(long seed, int kills, int leaked, int lost, int wrong, String text) {

    public boolean clean() {
        return leaked == 0 && lost == 0 && wrong == 0;
    }

    /** "chaos: N kills, X leaked, Y lost, Z wrong". */
    public String lastLine() {
        return lastLine(kills, leaked, lost, wrong);
    }

    static String lastLine(int kills, int leaked, int lost, int wrong) {
        return "chaos: " + kills + " kills, " + leaked + " leaked, " + lost + " lost, " + wrong + " wrong";
    }
}
