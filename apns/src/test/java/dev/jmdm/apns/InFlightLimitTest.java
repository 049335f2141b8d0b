package dev.jmdm.apns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {
    private final InFlightLimit limit = new InFlightLimit(2, Runnable::run);

    @Test
    void grantsUpToTheLimitThenQueuesInOrder() {
        CompletableFuture<Void> first = limit.acquire();
        CompletableFuture<Void> second = limit.acquire();
        CompletableFuture<Void> third = limit.acquire();
        CompletableFuture<Void> fourth = limit.acquire();

        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(third).isNotDone();
        assertThat(fourth).isNotDone();

        limit.release();
        assertThat(third).isDone();
        assertThat(fourth).isNotDone();

        limit.release();
        assertThat(fourth).isDone();
    }

    @Test
    void returnedPermitsCanBeTakenAgain() {
        limit.acquire();
        limit.acquire();
        limit.release();
        limit.release();

        assertThat(limit.acquire()).isDone();
        assertThat(limit.acquire()).isDone();
        assertThat(limit.acquire()).isNotDone();
    }

    @Test
    void handsPermitsOverThroughTheExecutor() {
        java.util.List<Runnable> handedOver = new java.util.ArrayList<>();
        InFlightLimit deferred = new InFlightLimit(1, handedOver::add);
        deferred.acquire();
        CompletableFuture<Void> waiter = deferred.acquire();

        deferred.release();
        assertThat(waiter).isNotDone();
        handedOver.forEach(Runnable::run);
        assertThat(waiter).isDone();
    }
}
