-- Billing (docs/billing-rules.md): invoices and credit notes with their
-- lines, payments and their allocation to invoices, the billing settings of
-- the provider and of each client.
-- Conventions as in 0001 and 0004: money INTEGER minor units with the
-- invoice's currency, civil dates TEXT 'YYYY-MM-DD', decimals TEXT ('21',
-- '1.5'), fractions as numerator/denominator INTEGER pairs.
--
-- Numbers: one gapless series per calendar year shared by invoices and
-- credit notes. The next number is the highest (number_year,
-- number_sequence) + 1, read inside the issuing write transaction (writes
-- are serialised); the UNIQUE index is the backstop. NULL while draft.
--
-- Idempotency: a billable item (time_entry:123, contract_fee:45:2026-11 ...)
-- is on at most one invoice line: line_key is UNIQUE where not empty.

CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  status TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'sent', 'partly_paid', 'paid')),
  currency TEXT NOT NULL,
  number TEXT UNIQUE,
  number_year INTEGER,
  number_sequence INTEGER,
  issued_on TEXT,
  due_on TEXT,
  payment_terms_days INTEGER NOT NULL,
  credited_invoice_id INTEGER REFERENCES invoices (id),
  period TEXT NOT NULL DEFAULT '',         -- the billing run's period ('2026-11'); '' otherwise
  period_from TEXT,
  period_to TEXT,
  net INTEGER NOT NULL DEFAULT 0,
  tax INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  notes TEXT NOT NULL DEFAULT '',
  sent_at INTEGER,
  issued_at INTEGER,
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((number IS NULL) = (status = 'draft')),
  CHECK ((credited_invoice_id IS NULL) = (kind = 'invoice'))
);
CREATE UNIQUE INDEX invoices_by_number ON invoices (number_year, number_sequence) WHERE number_year IS NOT NULL;
CREATE INDEX invoices_by_client ON invoices (client_id, id);
CREATE INDEX invoices_by_status ON invoices (status, id);
CREATE INDEX invoices_by_credited ON invoices (credited_invoice_id) WHERE credited_invoice_id IS NOT NULL;
CREATE INDEX invoices_drafts_by_period ON invoices (client_id, period) WHERE status = 'draft';

CREATE TABLE invoice_lines (
  id INTEGER PRIMARY KEY,
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('recurring_fee', 'block_purchase', 'time', 'part', 'service', 'manual', 'credit')),
  description TEXT NOT NULL,
  quantity_num INTEGER NOT NULL,
  quantity_den INTEGER NOT NULL CHECK (quantity_den > 0),
  unit TEXT NOT NULL DEFAULT '',
  unit_price INTEGER NOT NULL,
  factor_num INTEGER NOT NULL,
  factor_den INTEGER NOT NULL CHECK (factor_den > 0),
  amount INTEGER NOT NULL,
  tax_category_id INTEGER REFERENCES tax_categories (id),
  tax_code TEXT NOT NULL DEFAULT '',
  tax_rate TEXT NOT NULL DEFAULT '0',
  tax_amount INTEGER NOT NULL,
  item_key TEXT NOT NULL DEFAULT '',
  line_key TEXT NOT NULL DEFAULT '',
  service_from TEXT,
  service_to TEXT,
  -- What the line bills, from its item key (NULL when it bills none of these).
  time_entry_id INTEGER REFERENCES time_entries (id),
  part_usage_id INTEGER REFERENCES part_usages (id),
  service_usage_id INTEGER REFERENCES service_usages (id),
  contract_id INTEGER REFERENCES contracts (id),
  hour_block_id INTEGER REFERENCES hour_blocks (id),
  UNIQUE (invoice_id, position)
);
CREATE UNIQUE INDEX invoice_lines_by_line_key ON invoice_lines (line_key) WHERE line_key <> '';
CREATE INDEX invoice_lines_by_item_key ON invoice_lines (item_key) WHERE item_key <> '';

CREATE TABLE payments (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients (id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  received_on TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('bank_transfer', 'direct_debit', 'card', 'cash', 'other')),
  reference TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX payments_by_client ON payments (client_id, received_on, id);

CREATE TABLE payment_allocations (
  payment_id INTEGER NOT NULL REFERENCES payments (id),
  invoice_id INTEGER NOT NULL REFERENCES invoices (id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX payment_allocations_by_invoice ON payment_allocations (invoice_id);

-- The provider's billing settings (one row): the tax category of recurring
-- fees and block purchases.
CREATE TABLE billing_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  fee_tax_category_id INTEGER REFERENCES tax_categories (id),
  updated_at INTEGER NOT NULL
);

-- A client's billing settings: tax treatment and payment terms (NULL: the
-- provider's).
CREATE TABLE client_billing (
  client_id INTEGER PRIMARY KEY REFERENCES clients (id),
  tax_treatment TEXT NOT NULL CHECK (tax_treatment IN ('standard', 'reverse_charge', 'exempt')),
  payment_terms_days INTEGER,
  updated_at INTEGER NOT NULL
);
