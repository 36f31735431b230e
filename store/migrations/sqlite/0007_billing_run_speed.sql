-- The billing run writes a line per billed item and marks each item
-- invoiced (docs/adr/0015-billing-run-speed.md). Two things in the schema
-- cost it more than the writes themselves:
--
-- 1. SQLite evaluates a CHECK (x IN ('a', 'b', 'c')) by building a
--    temporary b-tree of the list for every row it checks. The same
--    constraints written as x = 'a' OR x = 'b' OR ... accept exactly the
--    same values and cost a few comparisons. The tables the run writes row
--    by row get that form: time_entries (status, billing), part_usages and
--    service_usages (status), invoice_lines (kind), invoices (kind,
--    status). A CHECK cannot be altered in SQLite; this rewrites the table
--    definitions in sqlite_schema, the procedure SQLite documents for
--    changes that leave the stored rows valid ("Making Other Kinds Of Table
--    Schema Changes", lang_altertable.html). It needs a connection without
--    SQLITE_DBCONFIG_DEFENSIVE (tend does not set it).
-- 2. A line's link columns (time_entry_id .. hour_block_id, derived from
--    its item key) were foreign keys: a lookup in the item's table for
--    every line written. The items are never deleted (time entries, part
--    and service usages are removed softly; contracts and hour blocks are
--    not deleted) and mark_billed requires each linked item to exist and
--    be approved, in the same transaction; the constraints are dropped
--    (removing a FOREIGN KEY is one of the changes that procedure covers).
--    invoice_id and tax_category_id stay foreign keys.
-- 3. Every line had its item key in an index (1 of 3 indexes written per
--    line) that only lookups of contract fees and block purchases need:
--    time entries, part and service usages are guarded by their own status
--    (mark_billed requires 'approved') and the UNIQUE line_key index.

PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql, 'status TEXT NOT NULL CHECK (status IN (''draft'', ''approved'', ''invoiced''))',
                  'status TEXT NOT NULL CHECK (status = ''draft'' OR status = ''approved'' OR status = ''invoiced'')')
WHERE type = 'table' AND name IN ('time_entries', 'part_usages', 'service_usages');

UPDATE sqlite_schema
SET sql = replace(sql, 'billing TEXT NOT NULL CHECK (billing IN (''billable'', ''non_billable'', ''no_charge''))',
                  'billing TEXT NOT NULL CHECK (billing = ''billable'' OR billing = ''non_billable'' OR billing = ''no_charge'')')
WHERE type = 'table' AND name = 'time_entries';

UPDATE sqlite_schema
SET sql = replace(sql,
                  'kind TEXT NOT NULL CHECK (kind IN (''recurring_fee'', ''block_purchase'', ''time'', ''part'', ''service'', ''manual'', ''credit''))',
                  'kind TEXT NOT NULL CHECK (kind = ''recurring_fee'' OR kind = ''block_purchase'' OR kind = ''time'' OR kind = ''part'' OR kind = ''service'' OR kind = ''manual'' OR kind = ''credit'')')
WHERE type = 'table' AND name = 'invoice_lines';

UPDATE sqlite_schema
SET sql = replace(replace(sql,
                          'kind TEXT NOT NULL CHECK (kind IN (''invoice'', ''credit_note''))',
                          'kind TEXT NOT NULL CHECK (kind = ''invoice'' OR kind = ''credit_note'')'),
                  'status TEXT NOT NULL CHECK (status IN (''draft'', ''issued'', ''sent'', ''partly_paid'', ''paid''))',
                  'status TEXT NOT NULL CHECK (status = ''draft'' OR status = ''issued'' OR status = ''sent'' OR status = ''partly_paid'' OR status = ''paid'')')
WHERE type = 'table' AND name = 'invoices';

UPDATE sqlite_schema
SET sql = replace(replace(replace(replace(replace(sql,
            'time_entry_id INTEGER REFERENCES time_entries (id)', 'time_entry_id INTEGER'),
            'part_usage_id INTEGER REFERENCES part_usages (id)', 'part_usage_id INTEGER'),
            'service_usage_id INTEGER REFERENCES service_usages (id)', 'service_usage_id INTEGER'),
            'contract_id INTEGER REFERENCES contracts (id)', 'contract_id INTEGER'),
            'hour_block_id INTEGER REFERENCES hour_blocks (id)', 'hour_block_id INTEGER')
WHERE type = 'table' AND name = 'invoice_lines';

-- Reloads the schema on this connection.
PRAGMA writable_schema = RESET;

-- Every rewrite above must have matched: the migration fails otherwise.
CREATE TEMP TABLE migration_0007_check (rewritten INTEGER NOT NULL CHECK (rewritten = 1));
INSERT INTO migration_0007_check
SELECT count(*) = 0 FROM sqlite_schema
WHERE type = 'table' AND name IN ('time_entries', 'part_usages', 'service_usages', 'invoice_lines', 'invoices')
  AND (sql LIKE '%status IN (%' OR sql LIKE '%billing IN (%' OR sql LIKE '%kind IN (%'
       OR (name = 'invoice_lines'
           AND (sql LIKE '%time_entry_id INTEGER REFERENCES%' OR sql LIKE '%part_usage_id INTEGER REFERENCES%'
                OR sql LIKE '%service_usage_id INTEGER REFERENCES%' OR sql LIKE '%contract_id INTEGER REFERENCES%'
                OR sql LIKE '%hour_block_id INTEGER REFERENCES%')));
DROP TABLE migration_0007_check;

-- A schema change through DDL, which also tells the other connections to
-- reload the schema.
DROP INDEX invoice_lines_by_item_key;
CREATE INDEX invoice_lines_by_fee_key ON invoice_lines (item_key)
  WHERE contract_id IS NOT NULL OR hour_block_id IS NOT NULL;
