-- Request limits per client and minute set by an admin (`rate_limits`); null means the default
-- of token-service's `keyfair.limits` configuration.
alter table clients add column rate_limit_client_credentials integer;
alter table clients add column rate_limit_other integer;
-- Who suspended a suspended client: `admin`, or `policy` for an automatic abuse suspension.
-- Cleared when the client is approved again.
alter table clients add column suspended_by varchar(16);
