package dev.jcri.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class PagedListTest {

    private static Api.ContainerStats item(int i, int padding) {
        return Api.ContainerStats.newBuilder().setAttributes(Api.ContainerAttributes.newBuilder()
                .setId("c" + i).putLabels("pad", "x".repeat(padding))).build();
    }

    @Test
    void pagesStayUnderTheBudgetKeepOrderAndLoseNothing() {
        List<Api.ContainerStats> items = IntStream.range(0, 500).mapToObj(i -> item(i, 1000)).toList();
        List<List<Api.ContainerStats>> pages = PagedList.pages(items, 64 * 1024);
        assertTrue(pages.size() > 5, "split: " + pages.size());
        List<Api.ContainerStats> joined = new ArrayList<>();
        for (List<Api.ContainerStats> page : pages) {
            int encoded = Api.StreamContainerStatsResponse.newBuilder().addAllContainerStats(page).build().getSerializedSize();
            assertTrue(encoded <= 64 * 1024, "page of " + encoded + " bytes");
            joined.addAll(page);
        }
        assertEquals(items, joined);
    }

    @Test
    void anEmptyListIsOneEmptyPageAndAHugeItemHasAPageOfItsOwn() {
        assertEquals(List.of(List.of()), PagedList.pages(List.<Api.ContainerStats>of(), 1024));
        List<Api.ContainerStats> items = List.of(item(1, 10), item(2, 5000), item(3, 10));
        assertEquals(List.of(List.of(items.get(0)), List.of(items.get(1)), List.of(items.get(2))), PagedList.pages(items, 1024));
    }
}
