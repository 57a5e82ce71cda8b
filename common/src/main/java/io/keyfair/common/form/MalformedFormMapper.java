package io.keyfair.common.form;

import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.keyfair.common.error.ErrorMappers;

/**
 * A malformed form body or query (see {@link StrictFormReader}) as the OAuth JSON error it
 * carries; here rather than in {@link ErrorMappers}, so the error package does not depend on
 * this one. authorize-service's pages answer it with their HTML page instead.
 */
public class MalformedFormMapper {

    private static final Logger LOG = Logger.getLogger(MalformedFormMapper.class);

    @ServerExceptionMapper
    public Response malformedForm(MalformedFormException e) {
        LOG.debugf("malformed form or query: %s", e.getMessage());
        return ErrorMappers.render(e.error());
    }
}
