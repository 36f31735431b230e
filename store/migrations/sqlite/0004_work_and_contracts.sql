-- Time, parts, fixed-price services and contracts (docs/rating-and-contracts.md):
-- tax categories, work types, technicians' cost rates, clients' rates, time
-- entries and running timers, the catalogue with its stock ledger, parts and
-- services used on tickets, contracts with their covered work, rates, price
-- history (terms), hour blocks and the block-hours balance ledger.
-- Conventions as in 0001: instants INTEGER Unix ms (UTC), money INTEGER minor
-- units with a currency column, flags 0/1, civil dates TEXT 'YYYY-MM-DD',
-- decimals (rates in percent, multipliers) TEXT such as '21' or '1.5'.
-- Work items go draft -> approved -> invoiced; invoice_line_id is set by
-- billing (its tables come later, so there is no foreign key); removed_at
-- keeps removed items as history.

CREATE TABLE tax_categories (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  rate_percent TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE work_types (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  hourly_rate INTEGER NOT NULL,
  currency TEXT NOT NULL,
  minimum_minutes INTEGER NOT NULL DEFAULT 0,
  rounding_increment_minutes INTEGER NOT NULL DEFAULT 0,
  after_hours_multiplier TEXT NOT NULL DEFAULT '1',
  tax_category_id INTEGER REFERENCES tax_categories (id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE technician_rates (
  user_id INTEGER PRIMARY KEY REFERENCES users (id),
  cost_rate INTEGER NOT NULL,
  currency TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE client_rates (
  client_id INTEGER NOT NULL REFERENCES clients (id),
  work_type_id INTEGER NOT NULL REFERENCES work_types (id),
  hourly_rate INTEGER NOT NULL,
  currency TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, work_type_id)
);

CREATE TABLE catalogue_items (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('part', 'service')),
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL,
  unit_cost INTEGER NOT NULL,
  unit_price INTEGER,          -- NULL: priced by markup
  markup_percent TEXT,         -- NULL: explicit price
  tax_category_id INTEGER REFERENCES tax_categories (id),
  reorder_level INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((unit_price IS NULL) <> (markup_percent IS NULL))
);
CREATE INDEX catalogue_items_by_name ON catalogue_items (name_key, id);

CREATE TABLE service_usages (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  client_id INTEGER NOT NULL REFERENCES clients (id),
  item_id INTEGER NOT NULL REFERENCES catalogue_items (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL,
  unit_cost INTEGER NOT NULL,
  currency TEXT NOT NULL,
  cost_currency TEXT NOT NULL,
  performed_on TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'invoiced')),
  approved_at INTEGER,
  approved_by_id INTEGER REFERENCES users (id),
  invoice_line_id INTEGER,
  invoiced_at INTEGER,
  created_by_id INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  removed_at INTEGER
);
CREATE INDEX service_usages_by_ticket ON service_usages (ticket_id, id);
CREATE INDEX service_usages_by_client ON service_usages (client_id, performed_on, id);

CREATE TABLE part_usages (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  client_id INTEGER NOT NULL REFERENCES clients (id),
  item_id INTEGER NOT NULL REFERENCES catalogue_items (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price INTEGER NOT NULL,
  unit_cost INTEGER NOT NULL,
  currency TEXT NOT NULL,
  cost_currency TEXT NOT NULL,
  serial_numbers TEXT NOT NULL DEFAULT '',  -- one per line
  used_on TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'invoiced')),
  approved_at INTEGER,
  approved_by_id INTEGER REFERENCES users (id),
  invoice_line_id INTEGER,
  invoiced_at INTEGER,
  created_by_id INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  removed_at INTEGER
);
CREATE INDEX part_usages_by_ticket ON part_usages (ticket_id, id);
CREATE INDEX part_usages_by_client ON part_usages (client_id, used_on, id);

-- The stock ledger: the stock of a part is the sum of its movements.
CREATE TABLE stock_movements (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES catalogue_items (id),
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'usage', 'return', 'correction')),
  quantity INTEGER NOT NULL CHECK (quantity <> 0),
  part_usage_id INTEGER REFERENCES part_usages (id),
  note TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL,
  actor_user_id INTEGER REFERENCES users (id),
  actor TEXT NOT NULL
);
CREATE INDEX stock_movements_by_item ON stock_movements (item_id, id);

CREATE TABLE time_entries (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  client_id INTEGER NOT NULL REFERENCES clients (id),
  user_id INTEGER NOT NULL REFERENCES users (id),
  work_type_id INTEGER NOT NULL REFERENCES work_types (id),
  work_date TEXT NOT NULL,
  started_at INTEGER,
  ended_at INTEGER,
  actual_minutes INTEGER NOT NULL CHECK (actual_minutes >= 0),
  billing TEXT NOT NULL CHECK (billing IN ('billable', 'non_billable', 'no_charge')),
  after_hours INTEGER NOT NULL DEFAULT 0,
  billable_minutes INTEGER NOT NULL DEFAULT 0,
  billable_override INTEGER,
  override_reason TEXT NOT NULL DEFAULT '',
  service_usage_id INTEGER REFERENCES service_usages (id),
  cost_rate INTEGER NOT NULL DEFAULT 0,
  cost_currency TEXT NOT NULL,
  notes TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'invoiced')),
  approved_at INTEGER,
  approved_by_id INTEGER REFERENCES users (id),
  invoice_line_id INTEGER,
  invoiced_at INTEGER,
  created_by_id INTEGER REFERENCES users (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  removed_at INTEGER
);
CREATE INDEX time_entries_by_ticket ON time_entries (ticket_id, id);
CREATE INDEX time_entries_by_client ON time_entries (client_id, work_date, id);
CREATE INDEX time_entries_by_user ON time_entries (user_id, work_date, id);
CREATE INDEX time_entries_by_date ON time_entries (work_date, id);
CREATE INDEX time_entries_by_status ON time_entries (status, client_id) WHERE status <> 'invoiced';

-- At most one running timer per technician.
CREATE TABLE running_timers (
  user_id INTEGER PRIMARY KEY REFERENCES users (id),
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  work_type_id INTEGER NOT NULL REFERENCES work_types (id),
  started_at INTEGER NOT NULL,
  billing TEXT NOT NULL,
  after_hours INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contracts (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  kind TEXT NOT NULL CHECK (kind IN ('time_and_materials', 'block_hours', 'managed')),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  reference TEXT UNIQUE,
  currency TEXT NOT NULL,
  starts_on TEXT NOT NULL,
  ends_on TEXT,
  term_months INTEGER NOT NULL DEFAULT 0,
  auto_renew INTEGER NOT NULL DEFAULT 0,
  notice_days INTEGER NOT NULL DEFAULT 0,
  sla_policy_id INTEGER REFERENCES sla_policies (id),
  overage_rate INTEGER,
  rollover INTEGER NOT NULL DEFAULT 0,
  cancelled_at INTEGER,
  cancellation_effective_on TEXT,
  cancellation_reason TEXT NOT NULL DEFAULT '',
  cancelled_by TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX contracts_by_client ON contracts (client_id, id);
CREATE INDEX contracts_by_name ON contracts (name_key, id);

-- Work types a contract covers (managed: no charge; block hours: consumed).
CREATE TABLE contract_work_types (
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  work_type_id INTEGER NOT NULL REFERENCES work_types (id),
  PRIMARY KEY (contract_id, work_type_id)
);

-- Catalogue items a managed agreement includes at no charge.
CREATE TABLE contract_items (
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  item_id INTEGER NOT NULL REFERENCES catalogue_items (id),
  PRIMARY KEY (contract_id, item_id)
);

CREATE TABLE contract_rates (
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  work_type_id INTEGER NOT NULL REFERENCES work_types (id),
  hourly_rate INTEGER NOT NULL,
  PRIMARY KEY (contract_id, work_type_id)
);

-- The price history of managed agreements: never updated, only added to.
CREATE TABLE contract_terms (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  effective_from TEXT NOT NULL,
  flat_fee INTEGER NOT NULL,
  per_workstation INTEGER NOT NULL,
  per_server INTEGER NOT NULL,
  per_user INTEGER NOT NULL,
  user_count INTEGER NOT NULL,
  manual_workstations INTEGER NOT NULL DEFAULT 0,
  manual_servers INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  UNIQUE (contract_id, effective_from)
);

CREATE TABLE hour_blocks (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  label TEXT NOT NULL,
  minutes INTEGER NOT NULL CHECK (minutes > 0),
  price INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT NOT NULL,
  warned_80_at INTEGER,
  warned_95_at INTEGER,
  invoice_line_id INTEGER,
  invoiced_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX hour_blocks_by_contract ON hour_blocks (contract_id, valid_from, id);

-- The balance ledger of block-hours contracts. Rows of invoiced entries are
-- locked and never change; the others are recomputed from the work.
CREATE TABLE block_ledger (
  id INTEGER PRIMARY KEY,
  contract_id INTEGER NOT NULL REFERENCES contracts (id),
  kind TEXT NOT NULL CHECK (kind IN ('consumption', 'overage', 'rollover_out', 'rollover_in')),
  block_id INTEGER REFERENCES hour_blocks (id),
  time_entry_id INTEGER REFERENCES time_entries (id),
  other_block_id INTEGER REFERENCES hour_blocks (id),
  on_date TEXT NOT NULL,
  minutes INTEGER NOT NULL,
  locked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX block_ledger_by_contract ON block_ledger (contract_id, on_date, id);
CREATE INDEX block_ledger_by_entry ON block_ledger (time_entry_id) WHERE time_entry_id IS NOT NULL;
