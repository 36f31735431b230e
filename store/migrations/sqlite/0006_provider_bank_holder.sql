-- The invoice PDF (docs/billing-rules.md "The invoice PDF") prints the
-- provider's bank details: the IBAN and BIC were there since 0001; this adds
-- the account holder's name ('' = the legal name, else the name).
ALTER TABLE provider ADD COLUMN bank_account_holder TEXT NOT NULL DEFAULT '';
