-- RFC 9126 §6: a client registered with require_pushed_authorization_requests may only start an
-- authorization with a request_uri from the PAR endpoint.
alter table clients add column require_pushed_authorization_requests boolean not null default false;
