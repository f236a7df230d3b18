package dev.jcri.server.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.jcri.linux.CapturedOutput;
import java.util.Random;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class ExecOutputTest {

    @Test
    void outputIsWrappedNotCopiedAndSerialisesWhole() {
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        ByteString wrapped = ContainerRpcs.wrap(CapturedOutput.of(data));
        assertArrayEquals(data, wrapped.toByteArray());
        Api.ExecSyncResponse r = Api.ExecSyncResponse.newBuilder().setStdout(wrapped).build();
        assertArrayEquals(data, r.getStdout().toByteArray());
        assertTrue(ContainerRpcs.wrap(new CapturedOutput(10)).isEmpty());
    }

    @Test
    void bothStreamsAtTheirLimitFitKubeletsMessageLimit() {
        byte[] full = new byte[ContainerRpcs.EXEC_OUTPUT_LIMIT];
        Api.ExecSyncResponse r = Api.ExecSyncResponse.newBuilder()
                .setStdout(ContainerRpcs.wrap(CapturedOutput.of(full)))
                .setStderr(ContainerRpcs.wrap(CapturedOutput.of(full)))
                .setExitCode(-1).build();
        assertTrue(r.getSerializedSize() <= 16 << 20, "size " + r.getSerializedSize());
    }
}
