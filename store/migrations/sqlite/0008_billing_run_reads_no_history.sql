-- Rating a client's open work (on every change to its work and in every
-- billing run) must not read what earlier invoices already settled, or each
-- month billed makes every later run slower
-- (docs/adr/0017-billing-run-reads-no-history.md).
--
-- 1. Block-hours ledgers. Rows of invoiced entries are locked and never
--    change; of those, only the consumption rows matter to later work (they
--    keep the minutes the invoices used). The locked overage rows, one per
--    invoiced entry beyond the blocks, would be read again each time. This
--    index holds every row but those, so
--    ContractRepository::ledger(contract, for_open_work) reads only what
--    rating open work needs.
CREATE INDEX block_ledger_for_open_work ON block_ledger (contract_id, on_date, id)
  WHERE locked = 0 OR kind <> 'overage';

-- 2. Part and service usages that are not invoiced, as time_entries_by_status
--    holds the open time entries (PartUsageRepository::open_for_client,
--    ServiceUsageRepository::open_for_client).
CREATE INDEX part_usages_open ON part_usages (client_id, used_on, id) WHERE status <> 'invoiced';
CREATE INDEX service_usages_open ON service_usages (client_id, performed_on, id) WHERE status <> 'invoiced';
