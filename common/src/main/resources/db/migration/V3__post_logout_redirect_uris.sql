-- OpenID Connect RP-Initiated Logout 1.0 §3.1: where a client may send the user after logout.
-- Space separated, like redirect_uris.
alter table clients add column post_logout_redirect_uris text not null default '';
