-- Every revocation, durable: Redis only mirrors this table (DESIGN.md, "Data and who owns it").
-- Written by whoever revokes; a row is purged once no token it voids can still be alive.
--   kind 'jti'         subject = an access token's jti
--   kind 'grant'       subject = a grant id: every token the grant issued
--   kind 'client'      subject = a client id: its tokens issued before cutoff_ms
--   kind 'user_client' subject = '<client id>:<user id>': that connection's tokens issued before cutoff_ms
--   kind 'user'        subject = a user id: every token of that user issued before cutoff_ms
create table revocations (
    kind        varchar(16)  not null,
    subject     varchar(128) not null,
    cutoff_ms   bigint,
    expires_at  timestamptz  not null,
    -- when the row last changed: the mirror sweep re-applies recent changes
    updated_at  timestamptz  not null default now(),
    primary key (kind, subject)
);
create index revocations_expires on revocations (expires_at);
create index revocations_updated on revocations (updated_at);
