-- RMM part 1: enrollment tokens, devices and their credentials, check
-- definitions and states, ingested samples, metric rollups and the device
-- timeline. See docs/agent-protocol.md and docs/adr/0010-rmm-ingestion.md.
-- Tables written on every check-in (device_status, agent_samples) carry no
-- foreign keys and as few indexes as possible: they are the hot path.

CREATE TABLE enrollment_tokens (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  site_id INTEGER NOT NULL REFERENCES sites (id),
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  max_uses INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX enrollment_tokens_by_site ON enrollment_tokens (site_id, id);

CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  site_id INTEGER NOT NULL REFERENCES sites (id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  hostname TEXT NOT NULL,
  machine_id TEXT NOT NULL DEFAULT '',
  class TEXT NOT NULL CHECK (class IN ('workstation', 'server')),
  class_manual INTEGER NOT NULL DEFAULT 0,
  os_name TEXT NOT NULL DEFAULT '',
  agent_version TEXT NOT NULL DEFAULT '',
  credential_hash TEXT UNIQUE,
  enrollment_token_id INTEGER REFERENCES enrollment_tokens (id),
  enrolled_at INTEGER NOT NULL,
  revoked_at INTEGER,
  checks_version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX devices_by_client ON devices (client_id, name_key, id);
CREATE INDEX devices_by_site ON devices (site_id, name_key, id);
CREATE INDEX devices_by_name ON devices (name_key, id);
CREATE INDEX devices_by_created ON devices (created_at, id);
CREATE INDEX devices_by_machine ON devices (client_id, machine_id);

-- One narrow row per device, rewritten by every check-in.
CREATE TABLE device_status (
  device_id INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL DEFAULT 0,
  last_seen_at INTEGER,
  online INTEGER NOT NULL DEFAULT 0,
  latest_sample_id INTEGER,
  dropped_total INTEGER NOT NULL DEFAULT 0,
  spooled INTEGER NOT NULL DEFAULT 0,
  failing_checks INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE device_checks (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  warn REAL NOT NULL DEFAULT 0,
  crit REAL NOT NULL DEFAULT 0,
  timeout_seconds INTEGER NOT NULL DEFAULT 10,
  expect_status INTEGER NOT NULL DEFAULT 200,
  script TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  deleted_at INTEGER
);
CREATE INDEX device_checks_by_device ON device_checks (device_id, id);

-- The current state of each check; rewritten only when the state changes.
CREATE TABLE check_states (
  check_id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pass', 'warn', 'fail')),
  since INTEGER NOT NULL,
  checked_at INTEGER NOT NULL
);
CREATE INDEX check_states_by_device ON check_states (device_id);

CREATE TABLE metric_names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

-- One row per stored agent record: its metric values packed together
-- ("metric_id=value;..."), its check results as a JSON array ('' if none).
CREATE TABLE agent_samples (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  metrics TEXT NOT NULL,
  checks TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agent_samples_by_device ON agent_samples (device_id, at);

-- Aggregates per device, metric, resolution (seconds) and bucket start (ms).
CREATE TABLE metric_rollups (
  device_id INTEGER NOT NULL,
  metric_id INTEGER NOT NULL,
  resolution INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  PRIMARY KEY (device_id, metric_id, resolution, bucket)
) WITHOUT ROWID;

-- Cursors of background work (the last sample rolled up ...).
CREATE TABLE rmm_progress (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

CREATE TABLE device_inventory (
  device_id INTEGER PRIMARY KEY REFERENCES devices (id),
  data TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE device_events (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id),
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX device_events_by_device ON device_events (device_id, id);
