-- A refresh family the owner of a dedicated app issued for their own account from the developer
-- portal (the owner's click is the consent). Issuing a new one revokes the owner's previous
-- portal-issued families of that app, and only those: families the owner's own redirect flows
-- started are left alone. Rotation keeps the family, so the mark lasts as long as the family.
alter table refresh_families add column owner_issued boolean not null default false;
