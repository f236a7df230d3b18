package dev.jcri.conformance.chaos;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lets the churn workers call the daemon only while it is open, and tells the run what is in
 * flight: the checks after a restart need a quiet daemon, and the report says which calls each
 * kill cut.
 */
final class Gate {

    private boolean open;
    private boolean closedForGood;
    /** Worker thread → the call it is making. */
    private final Map<Thread, String> inFlight = new LinkedHashMap<>();

    /** Waits until the gate is open, then counts the calling worker in; false once the run is over. */
    synchronized boolean enter() throws InterruptedException {
        while (!open && !closedForGood) {
            wait();
        }
        if (closedForGood) {
            return false;
        }
        inFlight.put(Thread.currentThread(), "choosing");
        return true;
    }

    /** Names the call the worker is about to make (for the kill's report). */
    synchronized void doing(String call) {
        inFlight.replace(Thread.currentThread(), call);
    }

    synchronized void exit() {
        inFlight.remove(Thread.currentThread());
        notifyAll();
    }

    synchronized void open() {
        open = true;
        notifyAll();
    }

    /** No new call may start; those in flight go on (the kill comes next, and cuts them). */
    synchronized void close() {
        open = false;
    }

    /** Waits until no call is in flight. */
    synchronized void drain() throws InterruptedException {
        while (!inFlight.isEmpty()) {
            wait();
        }
    }

    /** Ends the run: workers leave at their next {@link #enter}; waits for the calls in flight. */
    synchronized void closeForGood() throws InterruptedException {
        closedForGood = true;
        open = false;
        notifyAll();
        drain();
    }

    synchronized List<String> inFlight() {
        return List.copyOf(inFlight.values());
    }
}
