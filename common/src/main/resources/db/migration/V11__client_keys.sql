-- RFC 7523 private_key_jwt: the public keys a client signs its assertions with, given inline as a
-- JWK set (RFC 7591 `jwks`) or by URL (`jwks_uri`); exactly one of them for such a client.
alter table clients add column jwks text;
alter table clients add column jwks_uri varchar(2000);
