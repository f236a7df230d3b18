package dev.jcri.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.RuntimeServiceGrpc;

/**
 * Keeps the README's RPC table true: every CRI method is registered, those marked "missing" answer
 * UNIMPLEMENTED naming themselves, and those marked "implemented" do not.
 */
@ExtendWith(SharedRuntime.class)
class RpcCoverageTest {

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`?(\\w+)`?\\s*\\|\\s*(RuntimeService|ImageService)\\s*\\|\\s*(implemented|missing)\\b",
            Pattern.MULTILINE);

    private static List<MethodDescriptor<?, ?>> allMethods() {
        List<MethodDescriptor<?, ?>> all = new ArrayList<>(RuntimeServiceGrpc.getServiceDescriptor().getMethods());
        all.addAll(ImageServiceGrpc.getServiceDescriptor().getMethods());
        return all;
    }

    private static Map<String, String> readmeTable() throws Exception {
        Path readme = Path.of(System.getProperty("jcri.readme", "../README.md"));
        Map<String, String> states = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(readme));
        while (m.find()) {
            states.put("runtime.v1." + m.group(2) + "/" + m.group(1), m.group(3));
        }
        return states;
    }

    @Test
    void readmeListsEveryCriMethodExactlyOnce() throws Exception {
        Map<String, String> table = readmeTable();
        List<String> names = allMethods().stream().map(MethodDescriptor::getFullMethodName).sorted().toList();
        assertEquals(41, names.size());
        assertEquals(names, table.keySet().stream().sorted().toList());
    }

    @Test
    void methodsAnswerAsTheReadmeSays(CriClient cri) throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "the README describes jcri");
        Map<String, String> table = readmeTable();
        for (MethodDescriptor<?, ?> method : allMethods()) {
            Status status = callWithEmptyRequest(cri, method);
            String name = method.getFullMethodName();
            if (table.get(name).equals("missing")) {
                assertEquals(Status.Code.UNIMPLEMENTED, status.getCode(), name);
                assertTrue(status.getDescription().contains(name) && status.getDescription().contains("not implemented by jcri"),
                        name + ": " + status.getDescription());
            } else {
                assertNotEquals(Status.Code.UNIMPLEMENTED, status.getCode(), name + " is marked implemented");
            }
        }
    }

    /** Calls any method with its empty request message and returns the final status. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Status callWithEmptyRequest(CriClient cri, MethodDescriptor method) {
        Message empty = (Message) ((MethodDescriptor.PrototypeMarshaller) method.getRequestMarshaller()).getMessagePrototype();
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
        try {
            if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                Iterator<?> it = ClientCalls.blockingServerStreamingCall(cri.channel(), method,
                        options.withDeadlineAfter(2, TimeUnit.SECONDS), empty);
                var _ = it.hasNext(); // starts the call: its status is what the test checks
            } else {
                ClientCalls.blockingUnaryCall(cri.channel(), method, options, empty);
            }
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}
