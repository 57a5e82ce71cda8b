-- DPoP (RFC 9449). A client registered with `dpop_bound_access_tokens` must send a proof with
-- every token request (§5.2).
alter table clients add column dpop_bound_access_tokens boolean not null default false;

-- The thumbprint of the key a public client's refresh tokens are bound to (§5): every refresh of
-- the family needs a proof of that key. Null for an unbound family.
alter table refresh_families add column dpop_jkt varchar(64);
