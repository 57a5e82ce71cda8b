-- OpenID Shared Signals Framework 1.0: one stream per app (aud = its client id) and the
-- transactional outbox of Security Event Tokens (DESIGN.md, "Data and who owns it").

-- Written by client-registry-service. A client registered with `events_uri` has a push stream
-- to it (all event types) as if it had created one; `POST /ssf/streams` replaces it.
create table ssf_streams (
    client_id            varchar(32)  primary key references clients (client_id) on delete cascade,
    stream_id            varchar(64)  not null unique,
    -- urn:ietf:rfc:8935 (push) or urn:ietf:rfc:8936 (poll)
    delivery_method      varchar(32)  not null,
    -- push: the receiver's endpoint; poll: null (Keyfair's poll endpoint serves it)
    endpoint_url         text,
    -- push: the Authorization header value sent with each SET (a receiver's credential)
    authorization_header text,
    -- event type URIs, space separated; empty: every type Keyfair emits
    events_requested     text         not null default '',
    description          text,
    -- enabled, paused (events are held) or disabled (events are not kept); as set by the app
    status               varchar(16)  not null default 'enabled',
    status_reason        text,
    created_at           timestamptz  not null default now(),
    updated_at           timestamptz  not null default now()
);

-- Written by whoever emits, in the same transaction as the change it reports; delivered by
-- token-service (the only service holding the signing keys). One row is one SET for one app.
create table security_events (
    id              bigserial    primary key,
    jti             varchar(64)  not null unique default replace(gen_random_uuid()::text, '-', ''),
    -- shared by every event one change caused (the SET's `txn`)
    txn             varchar(64)  not null,
    client_id       varchar(32)  not null references clients (client_id) on delete cascade,
    event_type      text         not null,
    -- subject: a user and that user's grant to the app, or (stream events) the stream
    user_id         uuid,
    session_id      varchar(64),
    stream_id       varchar(64),
    -- the event object of the SET's `events` claim
    event           jsonb        not null,
    created_at      timestamptz  not null default now(),
    -- the signed SET, made once, so that every retry and every poll sends the same bytes
    set_jwt         text,
    -- pending (to push, or waiting for a poll acknowledgement), delivered, failed
    status          varchar(16)  not null default 'pending',
    attempts        integer      not null default 0,
    next_attempt_at timestamptz  not null default now(),
    -- a deliverer working on the row holds it until then (FOR UPDATE SKIP LOCKED to claim it)
    leased_until    timestamptz,
    last_error      text,
    delivered_at    timestamptz
);
create index security_events_due on security_events (next_attempt_at) where status = 'pending';
create index security_events_client on security_events (client_id, id);
create index security_events_created on security_events (created_at);

-- Granted only by client_credentials, to approved confidential clients registered for them;
-- never shown on consent (CONTRACT.md, "Client registry").
insert into scopes (name, description, restricted) values
    ('ssf.manage', 'Manage this app''s security event stream', true),
    ('ssf.read',   'Read this app''s security event stream', true)
on conflict (name) do nothing;
