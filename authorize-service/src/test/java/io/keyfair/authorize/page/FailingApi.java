package io.keyfair.authorize.page;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.smallrye.mutiny.Uni;

/** A JSON resource of the tests that is not a {@link Page} and fails: its error must stay common's JSON. */
@Path("/test-only/failing-api")
public class FailingApi {

    @GET
    public Uni<String> fail() {
        return Uni.createFrom().failure(new IllegalStateException("broken on purpose"));
    }
}
