-- Browser apps (CORS): the exact origins (`scheme://host[:port]`) from which a client's pages may
-- call token, revoke, introspect and userinfo. Space separated, like redirect_uris.
alter table clients add column allowed_cors_origins text not null default '';

-- Whether the client's ID tokens carry the claims of the granted scopes (as userinfo returns
-- them); a client that reads them from userinfo only may register false for smaller ID tokens.
alter table clients add column id_token_scope_claims boolean not null default true;
