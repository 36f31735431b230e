#include "app/contract_service.h"

#include "app/audit.h"
#include "app/work_rating.h"

namespace tend {
namespace {

using nlohmann::json;
using store::Transaction;
using std::chrono::days;

std::string provider_zone(Transaction& tx) {
  auto provider = tx.provider().get();
  return provider ? provider->time_zone : "Europe/Amsterdam";
}

Result<CivilDate> today(Transaction& tx, Instant now) { return local_date(now, provider_zone(tx)); }

Result<Contract> visible_contract(Transaction& tx, const Principal& caller, ContractId id) {
  auto contract = tx.contracts().get(id);
  if (!contract) return std::unexpected(contract.error());
  if (!caller.can_see_client(contract->client_id)) return std::unexpected(Error::not_found("contract not found"));
  return contract;
}

// The references of a contract: work types, items, SLA policy, rates.
Status check_references(Transaction& tx, const Contract& c) {
  FieldErrors errors;
  for (size_t i = 0; i < c.covered_work_types.size(); ++i) {
    if (!tx.work_types().get(c.covered_work_types[i])) {
      errors.add("covered_work_types[" + std::to_string(i) + "]", "no such work type");
    }
  }
  for (size_t i = 0; i < c.covered_items.size(); ++i) {
    if (!tx.catalogue().get(c.covered_items[i])) errors.add("covered_items[" + std::to_string(i) + "]", "no such catalogue item");
  }
  for (size_t i = 0; i < c.rates.size(); ++i) {
    if (!tx.work_types().get(c.rates[i].work_type_id)) {
      errors.add("rates[" + std::to_string(i) + "].work_type_id", "no such work type");
    }
  }
  if (c.sla_policy_id.valid() && !tx.sla_policies().get(c.sla_policy_id)) {
    errors.add("sla_policy_id", "no such SLA policy");
  }
  return std::move(errors).status("the contract refers to objects that do not exist");
}

Error reference_taken() { return Error::invalid_field("reference", "another contract already has this reference"); }

Result<DeviceCounts> device_counts_on(Transaction& tx, ClientId client, CivilDate day) {
  Instant end_of_day = TEND_TRY(start_of_day(day + days(1), provider_zone(tx)));
  return tx.contracts().device_counts(client, end_of_day);
}

}  // namespace

Result<Page<Contract>> ContractService::list(const Principal& caller, store::ContractFilter filter,
                                             const PageRequest& page) {
  if (caller.is_portal()) {
    if (filter.client.valid() && filter.client != caller.client_id) return Page<Contract>{};
    filter.client = caller.client_id;
  }
  return store::in_read_transaction(context_.store, [&](Transaction& tx) { return tx.contracts().list(filter, page); });
}

Result<ContractDetails> ContractService::get(const Principal& caller, ContractId id, std::optional<CivilDate> as_of) {
  const Instant now = context_.clock.now();
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<ContractDetails> {
    ContractDetails d;
    d.contract = TEND_TRY(visible_contract(tx, caller, id));
    d.as_of = as_of ? *as_of : TEND_TRY(today(tx, now));
    d.client_name = TEND_TRY(tx.clients().get(d.contract.client_id)).name;
    d.active = active_on(d.contract, d.as_of);
    d.last_day = last_day(d.contract);
    if (d.contract.kind == ContractKind::managed && d.active) {
      d.renewal_date = renewal_date(d.contract, d.as_of);
      if (d.renewal_date && d.contract.auto_renew && !d.contract.cancellation_effective_on) {
        d.notice_deadline = *d.renewal_date - days(d.contract.notice_days + 1);
      }
    }
    if (d.contract.kind == ContractKind::block_hours) d.balances = TEND_TRY(block_balances(tx, d.contract));
    if (d.contract.kind == ContractKind::managed && terms_on(d.contract, d.as_of)) {
      DeviceCounts agents = TEND_TRY(device_counts_on(tx, d.contract.client_id, d.as_of));
      d.fee = TEND_TRY(managed_monthly_fee(d.contract, d.as_of, agents));
    }
    return d;
  });
}

Result<Contract> ContractService::create(const Principal& caller, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contract> {
    Contract c;
    c.created_at = c.updated_at = now;
    // The client decides the currency, so read it before the amounts.
    if (body.contains("client_id") && body["client_id"].is_number_integer()) {
      auto client = tx.clients().get(ClientId(body["client_id"].get<int64_t>()));
      if (!client) return std::unexpected(Error::invalid_field("client_id", "no such client"));
      if (client->archived()) return std::unexpected(Error::invalid_field("client_id", "the client is archived"));
      c.currency = client->currency;
    } else if (!body.contains("client_id")) {
      return std::unexpected(Error::invalid_field("client_id", "is required"));
    }
    // A managed agreement renews unless told otherwise.
    if (body.contains("kind") && body["kind"] == "managed" && !body.contains("auto_renew")) c.auto_renew = true;
    TEND_CHECK(apply_json(c, body, true));
    for (auto& t : c.terms) {
      t.recorded_at = now;
      t.recorded_by = caller.email;
    }
    for (auto& b : c.blocks) b.created_at = now;
    TEND_CHECK(check_references(tx, c));
    auto id = tx.contracts().insert(c);
    if (!id && id.error().kind == ErrorKind::conflict) return std::unexpected(reference_taken());
    TEND_CHECK(id);
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "contract.created", "contract", c.id.value(), c.client_id, to_json(c))));
    TEND_CHECK(refresh_client_rating(tx, c.client_id, caller, now));
    return tx.contracts().get(c.id);
  });
}

Result<Contract> ContractService::update(const Principal& caller, ContractId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contract> {
    const Contract before = TEND_TRY(visible_contract(tx, caller, id));
    Contract after = before;
    TEND_CHECK(apply_json(after, body, false));
    TEND_CHECK(check_references(tx, after));
    json changes = changed_fields(to_json(before), to_json(after));
    if (changes.empty()) return before;
    after.updated_at = now;
    auto updated = tx.contracts().update(after);
    if (!updated && updated.error().kind == ErrorKind::conflict) return std::unexpected(reference_taken());
    TEND_CHECK(updated);
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "contract.updated", "contract", id.value(), after.client_id, changes)));
    TEND_CHECK(refresh_client_rating(tx, after.client_id, caller, now));
    return tx.contracts().get(id);
  });
}

Result<Contract> ContractService::change_price(const Principal& caller, ContractId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contract> {
    Contract c = TEND_TRY(visible_contract(tx, caller, id));
    if (c.kind != ContractKind::managed) {
      return std::unexpected(Error::invalid("only a managed agreement has prices to change"));
    }
    // Start from the last prices (the ones in force on any later date): the
    // fields not given carry over.
    ManagedTerms terms = c.terms.back();
    terms.note.clear();
    TEND_CHECK(apply_json(terms, body, c.currency, "", true));
    if (!(c.terms.back().effective_from < terms.effective_from)) {
      return std::unexpected(Error::invalid_field(
          "effective_from", "must be after the last price change (" +
                                format_civil_date(c.terms.back().effective_from) +
                                "); the price history is never rewritten"));
    }
    terms.recorded_at = now;
    terms.recorded_by = caller.email;
    c.terms.push_back(terms);
    TEND_CHECK(validate(c));
    TEND_CHECK(tx.contracts().add_terms(id, terms));
    c.updated_at = now;
    TEND_CHECK(tx.contracts().update(c));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "contract.price_changed", "contract", id.value(), c.client_id,
                                             {{"effective_from", format_civil_date(terms.effective_from)},
                                              {"flat_fee", terms.flat_fee.to_decimal()},
                                              {"per_workstation", terms.per_workstation.to_decimal()},
                                              {"per_server", terms.per_server.to_decimal()},
                                              {"per_user", terms.per_user.to_decimal()},
                                              {"user_count", terms.user_count},
                                              {"note", terms.note}})));
    return tx.contracts().get(id);
  });
}

Result<Contract> ContractService::cancel(const Principal& caller, ContractId id, const json& body) {
  const Instant now = context_.clock.now();
  FieldErrors errors;
  JsonReader r(body, errors);
  r.only({"effective_on", "reason", "waive_notice"});
  std::string effective_text, reason;
  bool waive = false;
  r.text("effective_on", effective_text);
  r.text("reason", reason);
  r.boolean("waive_notice", waive);
  if (reason.empty()) errors.add("reason", "say why the contract ends");
  TEND_CHECK(std::move(errors).status());
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contract> {
    Contract c = TEND_TRY(visible_contract(tx, caller, id));
    if (c.cancellation_effective_on) {
      return std::unexpected(Error::conflict("the contract is already cancelled, effective " +
                                             format_civil_date(*c.cancellation_effective_on)));
    }
    const CivilDate requested_on = TEND_TRY(today(tx, now));
    const CivilDate earliest = earliest_cancellation(c, requested_on);
    CivilDate effective = earliest;
    if (!effective_text.empty()) {
      auto parsed = parse_civil_date(effective_text);
      if (!parsed) return std::unexpected(Error::invalid_field("effective_on", parsed.error().message));
      effective = *parsed;
    }
    if (effective < requested_on && !waive) {
      return std::unexpected(Error::invalid_field("effective_on", "must not be in the past"));
    }
    if (effective < earliest && !waive) {
      return std::unexpected(Error::invalid_field(
          "effective_on", "the notice period (" + std::to_string(c.notice_days) + " days) allows " +
                              format_civil_date(earliest) + " at the earliest; set waive_notice to end it sooner"));
    }
    if (effective < c.starts_on) effective = c.starts_on;
    c.cancellation_effective_on = effective;
    c.cancelled_at = now;
    c.cancellation_reason = reason;
    c.cancelled_by = caller.email;
    c.updated_at = now;
    TEND_CHECK(validate(c));
    TEND_CHECK(tx.contracts().update(c));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "contract.cancelled", "contract", id.value(), c.client_id,
                                             {{"effective_on", format_civil_date(effective)},
                                              {"reason", reason},
                                              {"notice_waived", waive && effective < earliest}})));
    TEND_CHECK(refresh_client_rating(tx, c.client_id, caller, now));
    return c;
  });
}

Result<Contract> ContractService::add_block(const Principal& caller, ContractId id, const json& body) {
  const Instant now = context_.clock.now();
  return store::in_write_transaction(context_.store, [&](Transaction& tx) -> Result<Contract> {
    Contract c = TEND_TRY(visible_contract(tx, caller, id));
    if (c.kind != ContractKind::block_hours) return std::unexpected(Error::invalid("only block hours have blocks"));
    HourBlock block;
    block.contract_id = id;
    block.price = Money::zero(c.currency);
    block.created_at = now;
    TEND_CHECK(apply_json(block, body, c.currency));
    block.id = TEND_TRY(tx.contracts().add_block(block));
    TEND_CHECK(tx.audit().append(audit_event(caller, now, "contract.block_added", "contract", id.value(), c.client_id,
                                             {{"block_id", block.id.value()},
                                              {"label", block.label},
                                              {"minutes", block.minutes},
                                              {"price", block.price.to_decimal()},
                                              {"valid_from", format_civil_date(block.valid_from)},
                                              {"valid_to", format_civil_date(block.valid_to)}})));
    TEND_CHECK(refresh_client_rating(tx, c.client_id, caller, now));
    return tx.contracts().get(id);
  });
}

Result<ContractLedger> ContractService::ledger(const Principal& caller, ContractId id) {
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<ContractLedger> {
    ContractLedger l;
    l.contract = TEND_TRY(visible_contract(tx, caller, id));
    if (l.contract.kind != ContractKind::block_hours) {
      return std::unexpected(Error::invalid("only block-hours contracts have a balance ledger"));
    }
    l.balances = TEND_TRY(block_balances(tx, l.contract));
    l.rows = TEND_TRY(tx.contracts().ledger(id));
    return l;
  });
}

Result<ContractFee> ContractService::fee(const Principal& caller, ContractId id, std::optional<CivilDate> on) {
  const Instant now = context_.clock.now();
  return store::in_read_transaction(context_.store, [&](Transaction& tx) -> Result<ContractFee> {
    Contract c = TEND_TRY(visible_contract(tx, caller, id));
    ContractFee f;
    f.contract_id = id;
    f.on = on ? *on : TEND_TRY(today(tx, now));
    f.agents = TEND_TRY(device_counts_on(tx, c.client_id, f.on));
    f.fee = TEND_TRY(managed_monthly_fee(c, f.on, f.agents));
    return f;
  });
}

}  // namespace tend
