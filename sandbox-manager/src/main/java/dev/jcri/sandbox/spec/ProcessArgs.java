package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.util.ArrayList;
import java.util.List;

/**
 * The container's argv by Kubernetes' rules (the Pod's command/args against the image's
 * ENTRYPOINT/CMD): command given → command + args, the image's CMD is ignored even when args are
 * empty; only args given → ENTRYPOINT + args; neither → ENTRYPOINT + CMD.
 */
final class ProcessArgs {
    private ProcessArgs() {}

    static List<String> of(List<String> command, List<String> args, ImageConfig image)
            throws JcriException {
        List<String> argv = new ArrayList<>();
        if (!command.isEmpty()) {
            argv.addAll(command);
            argv.addAll(args);
        } else if (!args.isEmpty()) {
            argv.addAll(image.entrypoint());
            argv.addAll(args);
        } else {
            argv.addAll(image.entrypoint());
            argv.addAll(image.cmd());
        }
        if (argv.isEmpty()) {
            throw JcriException.invalidArgument("command", "no command specified (neither the request nor the image has one)");
        }
        if (argv.getFirst().isEmpty()) {
            throw JcriException.invalidArgument("command", "the executable (first argument) is empty");
        }
        return List.copyOf(argv);
    }
}
