-- Keyfair schema. Each table has one writer (DESIGN.md, "Data and who owns it").

-- Written by client-registry-service.
create table scopes (
    name          varchar(64)  primary key,
    description   text         not null,
    -- only client_credentials may grant it, and only to clients an admin registered it for
    restricted    boolean      not null default false,
    created_at    timestamptz  not null default now()
);

insert into scopes (name, description, restricted) values
    ('openid',         'Sign you in with your marketplace account', false),
    ('profile',        'Your name and username', false),
    ('email',          'Your email address and whether it is verified', false),
    ('seller',         'Whether you are a verified seller, and since when', false),
    ('roles',          'Your roles on the marketplace', false),
    ('offline_access', 'Keep access while you are not using the app', false),
    ('admin',          'Administer Keyfair: apps, scopes and users', true);

-- Written by authorize-service.
create table users (
    id              uuid         primary key,
    username        varchar(128) not null unique,
    password_hash   text         not null,
    email           varchar(320),
    email_verified  boolean      not null default false,
    name            text,
    seller_verified boolean      not null default false,
    seller_since    date,
    roles           text         not null default '',
    created_at      timestamptz  not null default now(),
    updated_at      timestamptz  not null default now()
);

-- Written by client-registry-service. Lists (redirect URIs, grant types, scopes, frame
-- ancestors) are space separated: none of their values may contain a space.
create table clients (
    client_id                    varchar(32)  primary key,
    client_name                  text         not null,
    logo_uri                     text,
    tos_uri                      text,
    policy_uri                   text,
    redirect_uris                text         not null default '',
    grant_types                  text         not null,
    scope                        text         not null,
    token_endpoint_auth_method   varchar(32)  not null,
    events_uri                   text,
    refresh_grace_seconds        integer      not null default 2,
    introspection_allowed        boolean      not null default false,
    id_token_signed_response_alg varchar(16)  not null default 'RS256',
    app_type                     varchar(16)  not null default 'third_party',
    owner_user_id                uuid         references users (id) on delete cascade,
    trusted                      boolean      not null default false,
    frame_ancestors              text         not null default '',
    access_token_ttl             integer,
    reason                       text,
    status                       varchar(16)  not null,
    status_reason                text,
    created_at                   timestamptz  not null default now(),
    updated_at                   timestamptz  not null default now()
);
create index clients_status on clients (status);

-- SHA-256 of each secret. The current one has no expiry; a rotated-out one keeps working
-- until expires_at (the overlap window).
create table client_secrets (
    id          bigserial    primary key,
    client_id   varchar(32)  not null references clients (client_id) on delete cascade,
    secret_hash bytea        not null,
    created_at  timestamptz  not null default now(),
    expires_at  timestamptz
);
create index client_secrets_client on client_secrets (client_id);

-- RFC 7591 initial access tokens, stored hashed.
create table initial_access_tokens (
    token_hash  bytea        primary key,
    created_at  timestamptz  not null default now(),
    expires_at  timestamptz  not null
);

-- Written by authorize-service: one user's grant to one client (a connection).
create table consents (
    user_id          uuid         not null references users (id) on delete cascade,
    client_id        varchar(32)  not null references clients (client_id) on delete cascade,
    scope            text         not null,
    first_granted_at timestamptz  not null default now(),
    updated_at       timestamptz  not null default now(),
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    primary key (user_id, client_id)
);

-- Written by token-service. A family is every refresh token descended from one grant.
create table refresh_families (
    id            uuid         primary key,
    grant_id      varchar(64)  not null,
    client_id     varchar(32)  not null references clients (client_id) on delete cascade,
    user_id       uuid         not null references users (id) on delete cascade,
    scope         text         not null,
    auth_time     bigint       not null,
    created_at    timestamptz  not null default now(),
    last_used_at  timestamptz  not null default now(),
    expires_at    timestamptz  not null,
    revoked_at    timestamptz,
    revoked_reason varchar(32)
);
create index refresh_families_user_client on refresh_families (user_id, client_id);
create index refresh_families_grant on refresh_families (grant_id);
create index refresh_families_expires on refresh_families (expires_at);

create table refresh_tokens (
    token_hash      bytea        primary key,
    family_id       uuid         not null references refresh_families (id) on delete cascade,
    created_at      timestamptz  not null default now(),
    retired_at      timestamptz,
    successor_hash  bytea,
    -- the successor's token, encrypted under the retired token, so a retry within the grace
    -- window gets the same successor back without the server keeping it in clear
    successor_box   bytea,
    access_jti      varchar(64)
);
create index refresh_tokens_family on refresh_tokens (family_id);

-- Append only, written by every service. Never a secret, code or token.
create table audit_events (
    id          bigserial    primary key,
    occurred_at timestamptz  not null default now(),
    service     varchar(32)  not null,
    type        varchar(64)  not null,
    client_id   varchar(32),
    user_id     varchar(64),
    actor       varchar(64),
    detail      jsonb
);
create index audit_events_client on audit_events (client_id, occurred_at);
create index audit_events_time on audit_events (occurred_at);
