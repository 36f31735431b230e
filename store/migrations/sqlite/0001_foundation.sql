-- Foundation: the provider, tenancy (clients, sites, contacts), users,
-- sessions, API tokens and the audit trail.
-- Conventions: ids INTEGER PRIMARY KEY; instants are INTEGER Unix
-- milliseconds (UTC); flags are INTEGER 0/1; money is INTEGER minor units.

CREATE TABLE provider (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  name TEXT NOT NULL,
  legal_name TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  vat_number TEXT NOT NULL DEFAULT '',
  registration_number TEXT NOT NULL DEFAULT '',
  address_line1 TEXT NOT NULL DEFAULT '',
  address_line2 TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  bank_account TEXT NOT NULL DEFAULT '',
  bank_bic TEXT NOT NULL DEFAULT '',
  payment_terms_days INTEGER NOT NULL DEFAULT 14,
  updated_at INTEGER NOT NULL
);

CREATE TABLE clients (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  reference TEXT,
  currency TEXT NOT NULL,
  vat_number TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  website TEXT NOT NULL DEFAULT '',
  address_line1 TEXT NOT NULL DEFAULT '',
  address_line2 TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  archived_at INTEGER
);
CREATE INDEX clients_by_name ON clients (name_key, id);
CREATE INDEX clients_by_created ON clients (created_at, id);
CREATE INDEX clients_by_updated ON clients (updated_at, id);
CREATE UNIQUE INDEX clients_reference ON clients (reference) WHERE reference IS NOT NULL;

CREATE TABLE sites (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  address_line1 TEXT NOT NULL DEFAULT '',
  address_line2 TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  time_zone TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  archived_at INTEGER
);
CREATE INDEX sites_by_client ON sites (client_id, name_key, id);
CREATE INDEX sites_by_name ON sites (name_key, id);
CREATE INDEX sites_by_created ON sites (created_at, id);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  site_id INTEGER REFERENCES sites (id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  is_primary INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  archived_at INTEGER
);
CREATE INDEX contacts_by_client ON contacts (client_id, name_key, id);
CREATE INDEX contacts_by_name ON contacts (name_key, id);
CREATE INDEX contacts_by_created ON contacts (created_at, id);
CREATE INDEX contacts_by_email ON contacts (email);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'technician', 'finance', 'read_only', 'portal')),
  client_id INTEGER REFERENCES clients (id),
  contact_id INTEGER REFERENCES contacts (id),
  active INTEGER NOT NULL DEFAULT 1,
  password_hash TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_login_at INTEGER,
  CHECK ((role = 'portal') = (client_id IS NOT NULL))
);
CREATE INDEX users_by_name ON users (name_key, id);
CREATE INDEX users_by_client ON users (client_id);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  address TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_user_id INTEGER REFERENCES users (id),
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id INTEGER NOT NULL,
  client_id INTEGER,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_by_entity ON audit_events (entity_type, entity_id, id);
CREATE INDEX audit_by_client ON audit_events (client_id, id);
CREATE INDEX audit_by_time ON audit_events (at, id);
