package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CpuListTest {

    @Test
    void theKernelsListForm() throws Exception {
        assertEquals("0-3,8", CpuList.format(CpuList.parse("f", "0-3,8")));
        assertEquals("0-3", CpuList.format(CpuList.parse("f", "0,1,2-3")));
        assertEquals("", CpuList.format(CpuList.parse("f", "")));
        assertEquals("5", CpuList.format(CpuList.parse("f", "5-5")));
    }

    @Test
    void malformedListsAreRefused() {
        for (String bad : new String[] {"abc", "1-0", "0-", "-1", ",", "0,,1", "0 - 1", "0-8:2", "1e3", "00000001"}) {
            invalid("f", () -> CpuList.parse("f", bad));
        }
    }
}
