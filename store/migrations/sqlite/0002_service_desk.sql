-- Service desk: SLA calendars and policies, ticket statuses and queues,
-- tickets with their stored SLA figures, the history the SLA clocks are
-- evaluated from (terms and status changes), notes, the timeline,
-- checklists, linked devices, maintenance schedules and the full-text index.
-- Conventions as in 0001: instants are INTEGER Unix ms (UTC), flags 0/1.
-- Priorities are stored as 1..4 (P1..P4) so that ascending means most urgent.

CREATE TABLE sla_calendars (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  time_zone TEXT NOT NULL,
  -- Windows per weekday: "mon 08:30-12:00 13:00-17:00;tue 08:30-17:00".
  hours TEXT NOT NULL,
  -- Local dates without working time: "2026-12-25,2026-12-26".
  holidays TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE sla_policies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  calendar_id INTEGER REFERENCES sla_calendars (id),  -- NULL: 24x7
  p1_response_minutes INTEGER NOT NULL,
  p1_resolution_minutes INTEGER NOT NULL,
  p1_around_the_clock INTEGER NOT NULL DEFAULT 0,
  p2_response_minutes INTEGER NOT NULL,
  p2_resolution_minutes INTEGER NOT NULL,
  p2_around_the_clock INTEGER NOT NULL DEFAULT 0,
  p3_response_minutes INTEGER NOT NULL,
  p3_resolution_minutes INTEGER NOT NULL,
  p3_around_the_clock INTEGER NOT NULL DEFAULT 0,
  p4_response_minutes INTEGER NOT NULL,
  p4_resolution_minutes INTEGER NOT NULL,
  p4_around_the_clock INTEGER NOT NULL DEFAULT 0,
  warning_per_mille INTEGER NOT NULL DEFAULT 750,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX sla_policies_one_default ON sla_policies (is_default) WHERE is_default = 1;

-- A client's default policy (used when no contract covers the ticket).
CREATE TABLE client_sla_policies (
  client_id INTEGER PRIMARY KEY REFERENCES clients (id),
  sla_policy_id INTEGER NOT NULL REFERENCES sla_policies (id),
  updated_at INTEGER NOT NULL
);

CREATE TABLE ticket_statuses (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  category TEXT NOT NULL
    CHECK (category IN ('new', 'open', 'waiting_on_client', 'waiting_on_vendor', 'resolved', 'closed')),
  pauses_sla INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0,
  is_default INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ticket_statuses_one_default ON ticket_statuses (is_default) WHERE is_default = 1;

CREATE TABLE queues (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE maintenance_schedules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  site_id INTEGER REFERENCES sites (id),
  queue_id INTEGER REFERENCES queues (id),
  assignee_id INTEGER REFERENCES users (id),
  priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  subject TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  frequency TEXT NOT NULL,
  days TEXT NOT NULL DEFAULT '',  -- weekly: "mon,thu"
  day_of_month INTEGER NOT NULL DEFAULT 1,
  week_of_month INTEGER NOT NULL DEFAULT 1,
  weekday TEXT NOT NULL DEFAULT 'mon',
  time TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  next_run_at INTEGER,
  last_run_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX maintenance_schedules_by_client ON maintenance_schedules (client_id, id);
CREATE INDEX maintenance_schedules_by_name ON maintenance_schedules (name_key, id);
CREATE INDEX maintenance_schedules_due ON maintenance_schedules (next_run_at) WHERE next_run_at IS NOT NULL;

CREATE TABLE maintenance_schedule_items (
  schedule_id INTEGER NOT NULL REFERENCES maintenance_schedules (id),
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (schedule_id, position)
);

CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  client_id INTEGER NOT NULL REFERENCES clients (id),
  site_id INTEGER REFERENCES sites (id),
  contact_id INTEGER REFERENCES contacts (id),
  source TEXT NOT NULL CHECK (source IN ('portal', 'email', 'phone', 'api', 'alert', 'schedule')),
  type TEXT NOT NULL CHECK (type IN ('incident', 'request', 'maintenance', 'alert')),
  priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  status_id INTEGER NOT NULL REFERENCES ticket_statuses (id),
  status_category TEXT NOT NULL,  -- copy of the status's category, for filters
  queue_id INTEGER REFERENCES queues (id),
  assignee_id INTEGER REFERENCES users (id),
  sla_policy_id INTEGER REFERENCES sla_policies (id),
  merged_into_id INTEGER REFERENCES tickets (id),
  schedule_id INTEGER REFERENCES maintenance_schedules (id),
  created_by_id INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  first_response_at INTEGER,
  resolved_at INTEGER,
  -- SLA figures of the latest evaluation (core/sla.h), breaches merged in.
  sla_state TEXT CHECK (sla_state IN ('ok', 'warning', 'breached', 'paused')),
  response_due_at INTEGER,
  response_warning_at INTEGER,
  response_breached_at INTEGER,
  response_warned_at INTEGER,
  response_business_ms INTEGER,
  resolution_due_at INTEGER,
  resolution_warning_at INTEGER,
  resolution_breached_at INTEGER,
  resolution_warned_at INTEGER,
  resolution_business_ms INTEGER,
  sla_next_event_at INTEGER
);
-- Sorting by a due time puts tickets without one last: the sort key is
-- coalesce(due, max int64), the same expression in these indexes and in the
-- list queries (store/ticket_repository.cpp).
CREATE INDEX tickets_by_created ON tickets (created_at, id);
CREATE INDEX tickets_by_updated ON tickets (updated_at, id);
CREATE INDEX tickets_by_client ON tickets (client_id, status_category, id);
CREATE INDEX tickets_by_assignee ON tickets (assignee_id, status_category, id);
CREATE INDEX tickets_by_resolution_due ON tickets (coalesce(resolution_due_at, 9223372036854775807), id);
CREATE INDEX tickets_by_response_due ON tickets (coalesce(response_due_at, 9223372036854775807), id);
CREATE INDEX tickets_by_queue_category_priority_due
  ON tickets (queue_id, status_category, priority, coalesce(resolution_due_at, 9223372036854775807), id);
-- "Open tickets by urgency" without a queue: closed tickets keep their due
-- times, so the due order alone would wade through years of them.
CREATE INDEX tickets_by_category_resolution_due
  ON tickets (status_category, coalesce(resolution_due_at, 9223372036854775807), id);
CREATE INDEX tickets_by_category_response_due
  ON tickets (status_category, coalesce(response_due_at, 9223372036854775807), id);
CREATE INDEX tickets_by_sla_state ON tickets (sla_state, id) WHERE sla_state IS NOT NULL;
-- The SLA watcher's wake-ups: the earliest next event, without a scan.
CREATE INDEX tickets_sla_wakeups ON tickets (sla_next_event_at) WHERE sla_next_event_at IS NOT NULL;

-- The terms (priority under a policy) in force from effective_at; the
-- policy's target for that priority is copied, so editing a policy later
-- does not rewrite the history of existing tickets.
CREATE TABLE ticket_sla_terms (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  effective_at INTEGER NOT NULL,
  priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 4),
  sla_policy_id INTEGER NOT NULL REFERENCES sla_policies (id),
  calendar_id INTEGER REFERENCES sla_calendars (id),
  response_minutes INTEGER NOT NULL,
  resolution_minutes INTEGER NOT NULL,
  around_the_clock INTEGER NOT NULL,
  warning_per_mille INTEGER NOT NULL
);
CREATE INDEX ticket_sla_terms_by_ticket ON ticket_sla_terms (ticket_id, id);

-- Every status a ticket entered; stops_resolution_time copies the status's
-- "pauses SLA or resolved/closed" at that moment.
CREATE TABLE ticket_status_changes (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  at INTEGER NOT NULL,
  status_id INTEGER NOT NULL REFERENCES ticket_statuses (id),
  category TEXT NOT NULL,
  stops_resolution_time INTEGER NOT NULL
);
CREATE INDEX ticket_status_changes_by_ticket ON ticket_status_changes (ticket_id, id);

CREATE TABLE ticket_notes (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  author_id INTEGER REFERENCES users (id),
  author TEXT NOT NULL,
  by_staff INTEGER NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_notes_by_ticket ON ticket_notes (ticket_id, id);

CREATE TABLE ticket_events (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  at INTEGER NOT NULL,
  actor_id INTEGER REFERENCES users (id),
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  is_public INTEGER NOT NULL DEFAULT 0,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);

CREATE TABLE ticket_checklist_items (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  position INTEGER NOT NULL,
  text TEXT NOT NULL,
  done_at INTEGER,
  done_by_id INTEGER REFERENCES users (id)
);
CREATE INDEX ticket_checklist_items_by_ticket ON ticket_checklist_items (ticket_id, position);

-- Devices linked to a ticket. The devices table arrives with the RMM
-- migration, so there is no foreign key here.
CREATE TABLE ticket_devices (
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  device_id INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, device_id)
);
CREATE INDEX ticket_devices_by_device ON ticket_devices (device_id, ticket_id);

-- Full-text search over subject, description and notes; rowid = ticket id.
-- Kept in step by TicketRepository in the same transaction as each change.
-- Public and internal notes are separate columns so portal users search
-- only what they may read. (A PostgreSQL backend would use a tsvector
-- column with a GIN index instead.)
CREATE VIRTUAL TABLE ticket_search USING fts5(
  subject, description, public_notes, internal_notes,
  tokenize = 'unicode61 remove_diacritics 2'
);

-- The statuses and queue every installation starts with.
INSERT INTO ticket_statuses (name, name_key, category, pauses_sla, position, is_default, active, created_at, updated_at)
VALUES
  ('New', 'new', 'new', 0, 10, 1, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('In progress', 'in progress', 'open', 0, 20, 0, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('Waiting on client', 'waiting on client', 'waiting_on_client', 1, 30, 0, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('Waiting on vendor', 'waiting on vendor', 'waiting_on_vendor', 1, 40, 0, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('Resolved', 'resolved', 'resolved', 0, 50, 0, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('Closed', 'closed', 'closed', 0, 60, 0, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

INSERT INTO queues (name, name_key, description, active, created_at, updated_at)
VALUES ('Service desk', 'service desk', 'Everything that has not been sorted yet.', 1,
        CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
