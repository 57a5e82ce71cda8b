-- Request limits per client and minute set by an admin (`rate_limits`); null means the default
-- of token-service's `keyfair.limits` configuration.
alter table clients add column rate_limit_client_credentials integer;
alter table clients add column rate_limit_other integer;

-- Who suspended a suspended client: `admin`, or `policy` for an automatic abuse suspension; and
-- why: the rule (`refresh_token_reuse`, `rate_limit_excess`) or the admin's note. Both are
-- cleared when the client is approved again. `status_reason` stays the admin's note on a reject
-- or suspend, which the API shows as `status_note`.
alter table clients add column suspended_by varchar(16);
alter table clients add column suspended_reason text;

-- The abuse rule counts a client's refresh-token reuses of the last 24 hours from here; reuse is
-- rare, so the partial index stays small.
create index refresh_families_reuse on refresh_families (client_id, revoked_at) where revoked_reason = 'reuse';
