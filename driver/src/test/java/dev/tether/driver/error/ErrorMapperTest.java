package dev.tether.driver.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    record Case(Function<String, CsiException> make, Status.Code code) {
    }

    @Test
    void everyExceptionTypeMapsToItsOwnCodeAndKeepsTheMessage() {
        List<Case> cases = List.of(
                new Case(InvalidArgumentException::new, Status.Code.INVALID_ARGUMENT),
                new Case(NotFoundException::new, Status.Code.NOT_FOUND),
                new Case(AlreadyExistsException::new, Status.Code.ALREADY_EXISTS),
                new Case(FailedPreconditionException::new, Status.Code.FAILED_PRECONDITION),
                new Case(AbortedException::new, Status.Code.ABORTED),
                new Case(ResourceExhaustedException::new, Status.Code.RESOURCE_EXHAUSTED),
                new Case(OutOfRangeException::new, Status.Code.OUT_OF_RANGE),
                new Case(UnavailableException::new, Status.Code.UNAVAILABLE),
                new Case(UnimplementedException::new, Status.Code.UNIMPLEMENTED),
                new Case(DeadlineExceededException::new, Status.Code.DEADLINE_EXCEEDED),
                new Case(InternalException::new, Status.Code.INTERNAL));
        for (Case c : cases) {
            Status status = ErrorMapper.toStatus(c.make().apply("volume_id 'v1' is bad"));
            assertThat(status.getCode()).as(c.code().name()).isEqualTo(c.code());
            assertThat(status.getDescription()).isEqualTo("volume_id 'v1' is bad");
        }
    }

    @Test
    void unexpectedExceptionBecomesInternalNeverUnknown() {
        Status status = ErrorMapper.toStatus(new IllegalStateException("boom"));
        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("IllegalStateException").contains("boom");
    }

    @Test
    void unknownStatusFromElsewhereBecomesInternal() {
        assertThat(ErrorMapper.toStatus(Status.UNKNOWN.withDescription("x").asRuntimeException()).getCode())
                .isEqualTo(Status.Code.INTERNAL);
        assertThat(ErrorMapper.toStatus(Status.UNKNOWN.asException()).getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(ErrorMapper.fromClosingStatus(Status.UNKNOWN.withCause(new NotFoundException("gone"))).getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ErrorMapper.fromClosingStatus(Status.UNKNOWN).getCode()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void knownStatusPassesThrough() {
        assertThat(ErrorMapper.toStatus(Status.ABORTED.withDescription("busy").asRuntimeException()))
                .satisfies(s -> {
                    assertThat(s.getCode()).isEqualTo(Status.Code.ABORTED);
                    assertThat(s.getDescription()).isEqualTo("busy");
                });
        assertThat(ErrorMapper.fromClosingStatus(Status.OK)).isEqualTo(Status.OK);
    }
}
