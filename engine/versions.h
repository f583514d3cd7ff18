// Effective-dated changes to reference records (issue 16): a rent increase from March, the
// landlord's new IBAN from April, a corrected toeslag estimate. A record as first imported is its
// base; every change is a new version that sets some of its fields from a month on, with who,
// when and why. Nothing is overwritten: the record valid for a month is the base with every
// version valid from that month or earlier applied in order (valid_from, then order of entry).
#ifndef ONTZORG_ENGINE_VERSIONS_H_
#define ONTZORG_ENGINE_VERSIONS_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/bridging.h"
#include "engine/date.h"
#include "engine/relief.h"

namespace ontzorg {

template <typename T>
struct Version {
  YearMonth valid_from;
  int64_t seq = 0;                  // order of entry (the store numbers them)
  std::vector<std::string> fields;  // the fields this version sets (names of FieldsOf)
  T row;                            // the record as entered: the named fields hold the new values
  std::string changed_by;
  std::string changed_at;  // "YYYY-MM-DDThh:mm:ss"
  std::string reason;
};

// One field of a record, named as the import files name its column.
template <typename T>
struct Field {
  const char* name;
  bool changeable;  // false: the record's identity (its id, its client, a bill's kind, a BSN)
  bool (*same)(const T& a, const T& b);
  void (*copy)(T& to, const T& from);
};

const std::vector<Field<Creditor>>& FieldsOf(const Creditor*);
const std::vector<Field<Client>>& FieldsOf(const Client*);
const std::vector<Field<ReliefPlan>>& FieldsOf(const ReliefPlan*);
const std::vector<Field<Bill>>& FieldsOf(const Bill*);
const std::vector<Field<ToeslagExpectation>>& FieldsOf(const ToeslagExpectation*);

// The names of the fields in which `b` differs from `a`, in column order.
template <typename T>
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): symmetric, swapped the same names
std::vector<std::string> DifferingFields(const T& a, const T& b) {
  std::vector<std::string> out;
  for (const Field<T>& f : FieldsOf(static_cast<const T*>(nullptr))) {
    if (!f.same(a, b)) out.emplace_back(f.name);
  }
  return out;
}

// The first field of `names` that may not change ("" when every one may).
template <typename T>
std::string FixedField(const std::vector<std::string>& names) {
  for (const Field<T>& f : FieldsOf(static_cast<const T*>(nullptr))) {
    if (!f.changeable && std::find(names.begin(), names.end(), f.name) != names.end()) {
      return f.name;
    }
  }
  return "";
}

// The record valid in `month`: `base` with the versions valid from `month` or earlier applied in
// order of valid_from, then of entry. Without a month every version applies (the newest data,
// including changes dated in the future).
template <typename T>
T AsOf(T base, const std::vector<Version<T>>& versions, std::optional<YearMonth> month) {
  std::vector<const Version<T>*> order;
  for (const Version<T>& v : versions) {
    if (!month || v.valid_from <= *month) order.push_back(&v);
  }
  std::sort(order.begin(), order.end(), [](const Version<T>* a, const Version<T>* b) {
    return a->valid_from != b->valid_from ? a->valid_from < b->valid_from : a->seq < b->seq;
  });
  const auto& fields = FieldsOf(static_cast<const T*>(nullptr));
  for (const Version<T>* v : order) {
    for (const Field<T>& f : fields) {
      if (std::find(v->fields.begin(), v->fields.end(), f.name) != v->fields.end()) {
        f.copy(base, v->row);
      }
    }
  }
  return base;
}

// A bijstand amount corrected for its month (the month is the version's valid_from).
struct BenefitVersion {
  ClientId client;
  YearMonth month;
  Money amount;
  int64_t seq = 0;
  std::string changed_by;
  std::string changed_at;
  std::string reason;
};

}  // namespace ontzorg

#endif  // ONTZORG_ENGINE_VERSIONS_H_
