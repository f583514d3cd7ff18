#include "adapters/import/importer.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "adapters/import/csv.h"
#include "adapters/import/parts.h"
#include "engine/sepa_rules.h"
#include "engine/text.h"

namespace ontzorg {

// A key as two 64-bit hashes (FNV-1a and std::hash): two keys share both with a chance of
// about one in 2^128, so the pair stands for the key where its text would cost too much.
struct KeyHash {
  uint64_t a = 0, b = 0;
  static KeyHash Of(std::string_view key) {
    uint64_t h = 14695981039346656037ULL;
    for (const char c : key) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    return {h, std::hash<std::string_view>{}(key)};
  }
  bool operator<(const KeyHash& o) const { return std::tie(a, b) < std::tie(o.a, o.b); }
  bool operator==(const KeyHash& o) const { return a == o.a && b == o.b; }
};

// The keys given in the earlier parts of an import read in parts, those whose two rows can fall
// into different parts: a bill's, receipt's, assessment's, hand-over's or confirmation's id is
// not its client's, so two rows of one id can name two clients (the rows of a client, its
// creditors and its direct debits each share a part, where ParsedImport::where finds a repeat).
// And the clients', whose place a BSN given to two clients names (ImportCheck).
// Each kept as its KeyHash with its place, 24 bytes a row in one sorted vector, where `where`
// keeps a map node and the key's text.
class ClaimedKeys {
 public:
  // The place where `key` was given in an earlier part, if it was; else nothing, and `key` is
  // given at `place` from now on.
  std::optional<RowPlace> Claim(const std::string& key, RowPlace place) {
    if (!CrossesParts(key)) return std::nullopt;
    if (auto earlier = Find(key)) return earlier;
    part_.push_back({KeyHash::Of(key), place});
    return std::nullopt;
  }
  // Where `key` was given in an earlier part, if it was.
  std::optional<RowPlace> Find(const std::string& key) const {
    const Entry e{KeyHash::Of(key), {}};
    const auto it = std::lower_bound(earlier_.begin(), earlier_.end(), e, Less);
    if (it != earlier_.end() && it->key == e.key) return it->place;
    return std::nullopt;
  }
  // The part's keys become earlier ones (the part read has no key twice: `where` refused it).
  void EndPart() {
    std::sort(part_.begin(), part_.end(), Less);
    const auto middle = static_cast<std::ptrdiff_t>(earlier_.size());
    earlier_.insert(earlier_.end(), part_.begin(), part_.end());
    std::inplace_merge(earlier_.begin(), earlier_.begin() + middle, earlier_.end(), Less);
    part_.clear();
    part_.shrink_to_fit();
  }

 private:
  struct Entry {
    KeyHash key;
    RowPlace place;
  };
  static bool Less(const Entry& x, const Entry& y) { return x.key < y.key; }
  static bool CrossesParts(const std::string& key) {
    for (const char* prefix :
         {"bill:", "receipt:", "assessment:", "handover:", "confirmation:", "client:"}) {
      if (key.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }
  std::vector<Entry> earlier_, part_;
};

namespace {

// Collects every problem of an import, each with file, line and column.
class Problems {
 public:
  void Add(const std::string& where, const std::string& column, const std::string& why) {
    lines_.push_back(where + ": column " + column + ": " + why);
  }
  void AddFile(const std::string& place, const std::string& why) {
    lines_.push_back(place + ": " + why);
  }
  void AddLine(const std::string& line) { lines_.push_back(line); }
  void Append(Problems&& other) {
    lines_.insert(lines_.end(), std::make_move_iterator(other.lines_.begin()),
                  std::make_move_iterator(other.lines_.end()));
  }
  bool empty() const { return lines_.empty(); }
  // In the order of `files` and then of line ("bills.csv:12: ..."), as a person reads them; a
  // problem of no file's line keeps its place after those of the files.
  void SortByPlace(const std::vector<std::string>& files) {
    const auto place = [&](const std::string& line) {
      const size_t colon = line.find(':');
      const auto file = std::find(files.begin(), files.end(), line.substr(0, colon));
      long number = 0;
      if (colon != std::string::npos) number = std::strtol(line.c_str() + colon + 1, nullptr, 10);
      return std::pair<size_t, long>(static_cast<size_t>(file - files.begin()), number);
    };
    std::stable_sort(lines_.begin(), lines_.end(), [&](const std::string& a, const std::string& b) {
      return place(a) < place(b);
    });
  }
  // `note`: a last line after the problems.
  Unexpected<Error> Refusal(const std::string& note = "") const {
    std::string out = "import refused, nothing was changed: " + std::to_string(lines_.size()) +
                      " problem(s); correct them and import again:";
    const size_t shown = std::min<size_t>(lines_.size(), 200);
    for (size_t i = 0; i < shown; ++i) out += "\n  " + lines_[i];
    if (shown < lines_.size())
      out += "\n  ... and " + std::to_string(lines_.size() - shown) + " more";
    if (!note.empty()) out += "\n" + note;
    return Fail(ErrorCode::kBadInput, out);
  }

 private:
  std::vector<std::string> lines_;
};

// A value without the spaces and tabs around it, as a row's fields are read.
std::string_view Trimmed(std::string_view v) {
  const size_t b = v.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return v.substr(b, v.find_last_not_of(" \t") - b + 1);
}

// One row being read: fetches fields by column name and records what is wrong.
class RowReader {
 public:
  // `file`: the table's file as ParsedImport::FileIndex counts it.
  RowReader(const CsvTable& t, const CsvRow& r, Problems* p, uint32_t file)
      : t_(t), r_(r), p_(p), file_(file), where_(t.file + ":" + std::to_string(r.line)) {}

  const std::string& where() const { return where_; }
  RowPlace place() const { return {file_, static_cast<uint32_t>(r_.line)}; }
  bool ok() const { return ok_; }
  std::string Get(const std::string& col) const {
    const int i = t_.Column(col);
    return i < 0 ? std::string() : Trim(r_.fields[static_cast<size_t>(i)]);
  }
  void Bad(const std::string& col, const std::string& why) {
    p_->Add(where_, col, why);
    ok_ = false;
  }
  // A problem of this row found at another row (`where`), which is named instead.
  void BadAt(const std::string& where, const std::string& col, const std::string& why) {
    p_->Add(where, col, why);
    ok_ = false;
  }
  std::string Required(const std::string& col) {
    std::string v = Get(col);
    if (v.empty()) Bad(col, "required, but empty");
    return v;
  }
  std::string Id(const std::string& col) {
    std::string v = Required(col);
    if (!v.empty() && !IsValidId(v)) {
      Bad(col, "'" + v + "' is not a valid id (1-20 letters, digits or '-')");
    }
    return v;
  }
  std::optional<Date> OptDate(const std::string& col) {
    const std::string v = Get(col);
    if (v.empty()) return std::nullopt;
    // A ';' file saved by Dutch Excel writes its dates as 31-03-2027.
    auto d =
        t_.separator == ';' && v.size() == 10 && v[2] == '-' ? ParseDutchDate(v) : Date::Parse(v);
    if (!d) Bad(col, "'" + v + "': " + Describe(d.error()));
    return d ? std::optional<Date>(*d) : std::nullopt;
  }
  Date ReqDate(const std::string& col) {
    if (Get(col).empty()) {
      Bad(col, "required, but empty; give a date like 2027-01-31");
      return {};
    }
    return OptDate(col).value_or(Date{});
  }
  Iban ReqIban(const std::string& col) {
    const std::string v = Required(col);
    if (v.empty()) return {};
    auto iban = ParseIban(v);
    if (!iban) Bad(col, "'" + v + "': " + ExplainIbanError(iban.error(), v));
    return iban ? *iban : Iban{};
  }
  Money Amount(const std::string& col, bool allow_zero) {
    const std::string v = Required(col);
    if (v.empty()) return {};
    // A ';' file is read as Dutch Excel saves it: "1.234,56" (a point-only "1234.56" too, but
    // never the guess "1.250"; see ParseTypedEuros).
    auto amount = t_.separator == ';' ? ParseTypedEuros(v) : ParseEuros(v);
    if (!amount) {
      Bad(col, t_.separator == ';' ? ExplainTypedAmountError(amount.error(), v)
                                   : ExplainAmountError(amount.error(), v));
      return {};
    }
    if (amount->IsNegative() || (!amount->IsPositive() && !allow_zero)) {
      Bad(col, "'" + v + "' must be " + (allow_zero ? "zero or more" : "more than zero"));
    } else if (amount->cents() > kMaxAmountCents) {
      Bad(col, "'" + v + "' is more than a SEPA payment can carry (999999999.99)");
    }
    return *amount;
  }
  template <typename T>
  T Enum(const std::string& col, std::optional<T> (*parse)(std::string_view), const char* allowed) {
    const std::string v = Required(col);
    if (v.empty()) return T{};
    auto e = parse(v);
    if (!e) Bad(col, "'" + v + "' is not one of: " + allowed);
    return e.value_or(T{});
  }

 private:
  static std::string Trim(const std::string& s) { return std::string(Trimmed(s)); }
  const CsvTable& t_;
  const CsvRow& r_;
  Problems* p_;
  uint32_t file_;
  std::string where_;
  bool ok_ = true;
};

const std::map<std::string, std::vector<std::string>>& RequiredColumns() {
  static const std::map<std::string, std::vector<std::string>> kColumns = {
      {"creditors.csv",
       {"id", "name", "iban", "bic", "street", "building", "postcode", "town", "country"}},
      {"clients.csv", {"id", "bsn", "name", "household", "iban"}},
      {"plans.csv",
       {"client_id", "kind", "benefit_start", "benefit_end", "extension_end", "extension_reason",
        "bills", "period_start", "period_end", "reason"}},
      {"bills.csv",
       {"id", "client_id", "kind", "creditor_id", "amount", "schedule", "due_day", "reference_kind",
        "reference", "start", "end"}},
      {"benefits.csv", {"client_id", "month", "amount"}},
      {"toeslagen.csv",
       {"client_id", "kind", "applied_on", "right_from", "monthly_amount", "first_payment",
        "paid_to"}},
      {"receipts.csv",
       {"id", "client_id", "kind", "received_on", "amount", "covers_from", "covers_to",
        "landed_on"}},
      {"assessments.csv", {"id", "client_id", "assessed_on", "assessed_by", "note", "levels"}},
      {"handovers.csv",
       {"id", "client_id", "bill_id", "state", "from", "reason", "decided_by", "decided_on"}},
      {"direct_debits.csv", {"bill_id", "status", "on", "confirmed_by"}},
      {"confirmations.csv",
       {"client_id", "bill_id", "period", "paid", "confirmed_by", "confirmed_on"}},
  };
  return kColumns;
}

// The records a change file may change from a month on (issue 16), by key prefix.
bool Versioned(const std::string& key) {
  for (const char* prefix : {"creditor:", "client:", "plan:", "bill:", "toeslag:", "benefit:"}) {
    if (key.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string GivenTwice(const std::string& column, const std::string& first) {
  return "the same " + column + " is already given at " + first +
         " (one change per record and import: import later changes separately)";
}

// Records where `key` came from; a second row with the same key is a problem of that row. A
// row of a change file also records its `valid_from` month and `change_reason`.
bool Claim(ParsedImport* out, const std::string& key, RowReader& r, const std::string& column) {
  const auto [it, fresh] = out->where.emplace(key, r.place());
  if (!fresh) {
    r.Bad(column, GivenTwice(column, out->Where(key)));
    return false;
  }
  if (out->claimed != nullptr) {
    if (const auto earlier = out->claimed->Claim(key, r.place())) {
      // Named at the later of the two rows, as when the whole import is read at once.
      const auto text = [&](RowPlace p) {
        return out->files.at(p.file) + ":" + std::to_string(p.line);
      };
      const RowPlace here = r.place();
      if (std::tie(earlier->file, earlier->line) < std::tie(here.file, here.line)) {
        r.Bad(column, GivenTwice(column, text(*earlier)));
      } else {
        r.BadAt(text(*earlier), column, GivenTwice(column, text(here)));
      }
      return false;
    }
  }
  const std::string from = r.Get("valid_from");
  if (from.empty() || !Versioned(key)) return true;
  auto month = YearMonth::Parse(from);
  if (!month) {
    r.Bad("valid_from", "'" + from +
                            "' is not a month like 2027-03 (the first month the change "
                            "holds for)");
    return false;
  }
  out->changes[key] = {*month, r.Get("change_reason")};
  return true;
}

// A name written to a SEPA file must keep at least one letter after transliteration.
void NeedLatinLetters(RowReader& r, const std::string& column, const std::string& name) {
  if (!name.empty() && ToSepaText(name, kMaxNameChars).empty()) {
    r.Bad(column, "'" + name +
                      "' has no letters a bank can carry (SEPA allows Latin letters only): write "
                      "it in Latin letters");
  }
}

void ParseCreditor(RowReader& r, ParsedImport* out) {
  Creditor c;
  c.id = {r.Id("id")};
  c.name = r.Required("name");
  NeedLatinLetters(r, "name", c.name);
  c.iban = r.ReqIban("iban");
  if (const std::string bic = r.Get("bic"); !bic.empty()) {
    auto parsed = ParseBic(bic);
    if (!parsed) r.Bad("bic", "'" + bic + "': " + ExplainBicError(parsed.error(), bic));
    if (parsed) c.bic = *parsed;
  }
  c.address = {r.Get("street"), r.Get("building"), r.Get("postcode"), r.Required("town"),
               r.Required("country")};
  if (!c.address.country.empty() &&
      (c.address.country.size() != 2 ||
       !std::isupper(static_cast<unsigned char>(c.address.country[0])) ||
       !std::isupper(static_cast<unsigned char>(c.address.country[1])))) {
    r.Bad("country", "'" + c.address.country + "' is not a 2-letter country code like NL");
  }
  const bool fresh = Claim(out, "creditor:" + c.id.value, r, "id");
  if (!r.ok() || !fresh) return;
  out->batch.creditors.push_back(std::move(c));
}

void ParseClient(RowReader& r, ParsedImport* out) {
  Client c;
  c.id = {r.Id("id")};
  const std::string bsn = r.Required("bsn");
  if (!bsn.empty()) {
    auto parsed = ParseBsn(bsn);
    // The BSN itself is never echoed into messages or logs.
    if (!parsed) r.Bad("bsn", ExplainBsnError(parsed.error(), bsn));
    if (parsed) c.bsn = *parsed;
  }
  c.name = r.Required("name");
  c.household = r.Enum<Household>("household", ParseHousehold, "single, couple, family");
  c.own_iban = r.ReqIban("iban");
  // Optional: the household's size for the minimum leefgeld; by default one adult (two for a
  // couple) and, for a family, one child.
  c.adults = c.household == Household::kCouple ? 2 : 1;
  c.children = c.household == Household::kFamily ? 1 : 0;
  const auto count = [&](const char* col, int lo, int* value) {
    const std::string v = r.Get(col);
    if (v.empty()) return;
    const bool digits = v.size() <= 2 && v.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(v) < lo) {
      r.Bad(col, "'" + v + "' must be a whole number from " + std::to_string(lo) + " to 99");
      return;
    }
    *value = std::stoi(v);
  };
  count("adults", 1, &c.adults);
  count("children", 0, &c.children);
  // A name the bank cannot carry (only Arabic script, say) needs its Latin spelling: refused
  // here rather than by the export of an approved batch.
  c.bank_name = r.Get("bank_name");
  if (!c.bank_name.empty()) {
    NeedLatinLetters(r, "bank_name", c.bank_name);
  } else if (!c.name.empty() && ToSepaText(c.name, kMaxNameChars).empty()) {
    r.Bad("name",
          "'" + c.name +
              "' has no letters a bank can carry (SEPA allows Latin letters only): add a "
              "bank_name column with the Latin spelling (as in the passport or residence permit), "
              "or record it later with `ontzorg correct-name`");
  }
  c.address = r.Get("address");  // optional: the statement's address block
  if (c.address.size() > 200) r.Bad("address", "longer than 200 characters");
  if (const std::string language = r.Get("language"); !language.empty()) {
    if (language.size() < 2 || language.size() > 3 ||
        language.find_first_not_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos) {
      r.Bad("language", "'" + language + "' is not a language code like nl, en or ar");
    }
    c.language = language;
  }
  const bool fresh = Claim(out, "client:" + c.id.value, r, "id");
  if (!r.ok() || !fresh) return;
  out->batch.clients.push_back(std::move(c));
}

void ParsePlan(RowReader& r, ParsedImport* out) {
  ReliefPlan p;
  p.client = {r.Id("client_id")};
  p.kind = r.Enum<PlanKind>("kind", ParsePlanKind, "statutory, maatwerk");
  p.benefit_start = r.ReqDate("benefit_start");
  p.benefit_end = r.OptDate("benefit_end");
  p.extension_end = r.OptDate("extension_end");
  p.extension_reason = r.Get("extension_reason");
  const std::string bills = r.Get("bills");
  for (size_t start = 0; start < bills.size();) {
    size_t end = bills.find(';', start);
    if (end == std::string::npos) end = bills.size();
    const std::string kind = bills.substr(start, end - start);
    if (auto k = ParseBillKind(kind)) {
      p.bills.push_back(*k);
    } else {
      r.Bad("bills", "'" + kind +
                         "' is not one of rent, energy, water, health_insurance "
                         "(separate several with ';')");
    }
    start = end + 1;
  }
  p.period_start = r.OptDate("period_start");
  p.period_end = r.OptDate("period_end");
  p.reason = r.Get("reason");
  if (!r.ok()) return;
  if (auto valid = ValidatePlan(p); !valid) {
    r.Bad("kind", Describe(valid.error()));
    return;
  }
  if (!Claim(out, "plan:" + p.client.value, r, "client_id")) return;
  out->batch.plans.push_back(std::move(p));
}

void ParseBill(RowReader& r, ParsedImport* out) {
  Bill b;
  b.id = {r.Id("id")};
  b.client = {r.Id("client_id")};
  b.kind = r.Enum<BillKind>("kind", ParseBillKind, "rent, energy, water, health_insurance");
  b.creditor = {r.Id("creditor_id")};
  b.amount = r.Amount("amount", false);
  b.schedule =
      r.Enum<Schedule>("schedule", ParseSchedule, "monthly, quarterly, ten_per_year, once");
  const std::string day = r.Required("due_day");
  if (!day.empty()) {
    const bool digits = day.size() <= 2 && day.find_first_not_of("0123456789") == std::string::npos;
    b.due_day = digits ? std::stoi(day) : 0;
    if (b.due_day < 1 || b.due_day > 31) r.Bad("due_day", "'" + day + "' must be a day 1-31");
  }
  const std::string ref = r.Get("reference");
  const std::string ref_kind = r.Get("reference_kind");
  b.reference.kind = ref_kind.empty()
                         ? GuessReferenceKind(ref)
                         : ParseReferenceKind(ref_kind).value_or(ReferenceKind::kFreeText);
  if (!ref_kind.empty() && !ParseReferenceKind(ref_kind)) {
    r.Bad("reference_kind", "'" + ref_kind + "' is not one of betalingskenmerk, rf, text");
  } else if (!ref.empty()) {
    auto parsed = ParseReference(b.reference.kind, ref);
    if (!parsed) r.Bad("reference", "'" + ref + "': " + ExplainReferenceError(parsed.error(), ref));
    b.reference.value = parsed ? *parsed : "";
  } else {
    r.Bad("reference", "required: the creditor's payment reference (betalingskenmerk, RF or text)");
  }
  b.start = r.ReqDate("start");
  b.end = r.OptDate("end");
  if (r.ok() && b.end && *b.end < b.start) r.Bad("end", "lies before start");
  const bool fresh = Claim(out, "bill:" + b.id.value, r, "id");
  if (!r.ok() || !fresh) return;
  out->batch.bills.push_back(std::move(b));
}

void ParseBenefit(RowReader& r, ParsedImport* out) {
  ImportBatch::Benefit b;
  b.client = {r.Id("client_id")};
  const std::string month = r.Required("month");
  auto m = YearMonth::Parse(month);
  if (!month.empty() && !m) r.Bad("month", "'" + month + "' is not a month like 2027-01");
  b.amount = r.Amount("amount", true);
  if (!r.ok()) return;
  b.month = *m;
  if (!Claim(out, "benefit:" + b.client.value + "|" + b.month.ToString(), r, "month")) return;
  out->batch.benefits.push_back(std::move(b));
}

std::optional<YearMonth> OptMonth(RowReader& r, const std::string& col) {
  const std::string v = r.Get(col);
  if (v.empty()) return std::nullopt;
  auto m = YearMonth::Parse(v);
  if (!m) r.Bad(col, "'" + v + "' is not a month like 2027-01");
  return m ? std::optional<YearMonth>(*m) : std::nullopt;
}

constexpr const char* kIncomeKinds =
    "rent_allowance, care_allowance, child_budget, holiday_allowance, energy_refund, "
    "creditor_refund";

void ParseToeslag(RowReader& r, ParsedImport* out) {
  ToeslagExpectation e;
  e.client = {r.Id("client_id")};
  e.kind = r.Enum<IncomeKind>("kind", ParseIncomeKind, kIncomeKinds);
  if (r.ok() && !IsToeslag(e.kind)) {
    r.Bad("kind", "'" + std::string(ToString(e.kind)) +
                      "' is not a toeslag; expected are "
                      "rent_allowance, care_allowance or child_budget (record other income in "
                      "receipts.csv)");
  }
  e.applied_on = r.ReqDate("applied_on");
  if (r.Get("right_from").empty()) {
    r.Bad("right_from", "required: the month the right starts, like 2027-01");
  } else if (auto m = OptMonth(r, "right_from")) {
    e.right_from = *m;
  }
  e.monthly = r.Amount("monthly_amount", false);
  e.first_payment = r.OptDate("first_payment");
  e.paid_to = r.Enum<Destination>("paid_to", ParseDestination, "managed, own");
  if (r.ok() && e.first_payment && *e.first_payment < e.applied_on) {
    r.Bad("first_payment", "lies before applied_on");
  }
  if (!r.ok()) return;
  if (!Claim(out, "toeslag:" + e.client.value + "|" + ToString(e.kind), r, "kind")) return;
  out->batch.toeslagen.push_back(std::move(e));
}

void ParseReceipt(RowReader& r, ParsedImport* out) {
  Receipt x;
  x.id = r.Id("id");
  x.client = {r.Id("client_id")};
  x.kind = r.Enum<IncomeKind>("kind", ParseIncomeKind, kIncomeKinds);
  x.received_on = r.ReqDate("received_on");
  x.amount = r.Amount("amount", false);
  x.covers_from = OptMonth(r, "covers_from");
  x.covers_to = OptMonth(r, "covers_to");
  x.landed_on = r.Enum<Destination>("landed_on", ParseDestination, "managed, own");
  if (r.ok()) {
    if (x.covers_from.has_value() != x.covers_to.has_value()) {
      r.Bad(x.covers_from ? "covers_to" : "covers_from",
            "give both covers_from and covers_to, or neither");
    } else if (x.covers_from && *x.covers_to < *x.covers_from) {
      r.Bad("covers_to", "lies before covers_from");
    } else if (IsToeslag(x.kind) && !x.covers_from) {
      r.Bad("covers_from",
            "required for a toeslag: the months it pays for (covers_from, "
            "covers_to)");
    }
  }
  if (!r.ok()) return;
  if (!Claim(out, "receipt:" + x.id, r, "id")) return;
  out->batch.receipts.push_back(std::move(x));
}

std::optional<YearMonth> ReqMonth(RowReader& r, const std::string& col) {
  if (r.Get(col).empty()) {
    r.Bad(col, "required, but empty; give a month like 2027-01");
    return std::nullopt;
  }
  return OptMonth(r, col);
}

// `known_keys`: the model's level keys (LevelKeys), nullptr without a model.
void ParseAssessment(RowReader& r, const CompetenceModel* model,
                     const std::set<std::string, std::less<>>* known_keys, ParsedImport* out) {
  Assessment a;
  a.id = r.Id("id");
  a.client = {r.Id("client_id")};
  a.on = r.ReqDate("assessed_on");
  a.by = r.Required("assessed_by");
  a.note = r.Get("note");
  const std::string levels = r.Required("levels");
  if (!levels.empty()) {
    auto parsed = Levels::Parse(levels);
    if (!parsed) {
      r.Bad("levels", "'" + levels +
                          "' is not a list like overview=2;rent.pays_on_time=1 "
                          "(levels 0-9, separated by ';')");
    } else {
      a.levels = std::move(*parsed);
    }
  }
  if (model != nullptr && known_keys != nullptr) {
    for (const auto& [key_view, level] : a.levels.Items()) {
      if (known_keys->count(key_view) != 0 && level <= model->max_level) continue;
      const std::string key(key_view);
      if (known_keys->count(key) == 0) {
        r.Bad("levels", "'" + key +
                            "' is not an area or skill of the competence model "
                            "(config/competences.toml), e.g. overview or rent.pays_on_time");
      } else if (level > model->max_level) {
        r.Bad("levels", "'" + key + "=" + std::to_string(level) + "': levels go from 0 to " +
                            std::to_string(model->max_level));
      }
    }
  }
  if (!r.ok()) return;
  if (!Claim(out, "assessment:" + a.id, r, "id")) return;
  out->batch.assessments.push_back(std::move(a));
}

void ParseHandOverRow(RowReader& r, ParsedImport* out) {
  HandOverDecision d;
  d.id = r.Id("id");
  d.client = {r.Id("client_id")};
  d.bill = {r.Id("bill_id")};
  d.state = r.Enum<HandOver>("state", ontzorg::ParseHandOver,
                             "paid_for_client, practising, safety_net, client_alone");
  if (auto m = ReqMonth(r, "from")) d.from = *m;
  d.reason = r.Get("reason");
  d.by = r.Required("decided_by");
  d.decided_on = r.ReqDate("decided_on");
  if (!r.ok()) return;
  if (!Claim(out, "handover:" + d.id, r, "id")) return;
  out->batch.hand_overs.push_back(std::move(d));
}

void ParseConfirmation(RowReader& r, ParsedImport* out) {
  PaymentConfirmation c;
  c.client = {r.Id("client_id")};
  c.bill = {r.Id("bill_id")};
  if (auto m = ReqMonth(r, "period")) c.period = *m;
  const std::string paid = r.Required("paid");
  if (paid == "yes" || paid == "no") {
    c.paid = paid == "yes";
  } else if (!paid.empty()) {
    r.Bad("paid", "'" + paid + "' must be yes (the client paid) or no (missed)");
  }
  c.by = r.Required("confirmed_by");
  c.on = r.ReqDate("confirmed_on");
  if (!r.ok()) return;
  if (!Claim(out, "confirmation:" + c.bill.value + "|" + c.period.ToString(), r, "period")) return;
  out->batch.confirmations.push_back(std::move(c));
}

// A confirmation that the client's own direct debit with a bill's creditor is cancelled (or never
// existed), or a coach's override; the client is the bill's.
void ParseDirectDebit(RowReader& r, ParsedImport* out) {
  DirectDebitRecord d;
  d.bill = {r.Id("bill_id")};
  const std::string status = r.Required("status");
  if (const auto s = ParseDirectDebitStatus(status)) {
    d.status = *s;
  } else if (!status.empty()) {
    r.Bad("status", "'" + status + "' must be cancelled, none or override");
  }
  d.on = r.ReqDate("on");
  d.confirmed_by = r.Required("confirmed_by");
  d.note = r.Get("note");
  if (d.status == DirectDebitStatus::kOverride && d.note.empty()) {
    r.Bad("note", "an override needs the coach's reason");
  }
  if (!r.ok()) return;
  out->where["direct_debit:" + std::to_string(out->batch.direct_debits.size())] = r.place();
  out->batch.direct_debits.push_back(std::move(d));
}

}  // namespace

uint32_t ParsedImport::FileIndex(const std::string& file) {
  auto it = std::find(files.begin(), files.end(), file);
  if (it == files.end()) it = files.insert(files.end(), file);
  return static_cast<uint32_t>(it - files.begin());
}

std::string ParsedImport::Where(const std::string& key) const {
  const RowPlace& place = where.at(key);
  return files.at(place.file) + ":" + std::to_string(place.line);
}

const std::vector<std::string>& ImportFileNames() {
  static const std::vector<std::string> kNames = {
      "creditors.csv", "clients.csv",       "plans.csv",        "bills.csv",
      "benefits.csv",  "toeslagen.csv",     "receipts.csv",     "assessments.csv",
      "handovers.csv", "confirmations.csv", "direct_debits.csv"};
  return kNames;
}

namespace {

// Room for about `rows` rows of file `name` in `batch` at once: a vector grown by doubling holds
// up to twice its rows while it grows (issue 18).
void ReserveRows(const std::string& name, size_t rows, ImportBatch& batch) {
  const auto reserve = [&](auto& v) { v.reserve(v.size() + rows); };
  if (name == "creditors.csv") reserve(batch.creditors);
  if (name == "clients.csv") reserve(batch.clients);
  if (name == "plans.csv") reserve(batch.plans);
  if (name == "bills.csv") reserve(batch.bills);
  if (name == "benefits.csv") reserve(batch.benefits);
  if (name == "toeslagen.csv") reserve(batch.toeslagen);
  if (name == "receipts.csv") reserve(batch.receipts);
  if (name == "assessments.csv") reserve(batch.assessments);
  if (name == "handovers.csv") reserve(batch.hand_overs);
  if (name == "confirmations.csv") reserve(batch.confirmations);
  if (name == "direct_debits.csv") reserve(batch.direct_debits);
}

// Whether the header row of file `name` has every column the file needs; each one missing is a
// problem.
bool HasColumns(const std::string& name, const CsvTable& table, Problems& problems) {
  bool columns_ok = true;
  for (const std::string& col : RequiredColumns().at(name)) {
    if (table.Column(col) < 0) {
      problems.Add(name + ":1", col,
                   "missing from the header row, which is separated by '" +
                       std::string(1, table.separator) + "' (see docs/import-format.md)");
      columns_ok = false;
    }
  }
  return columns_ok;
}

// Reads one file's rows (through `read`: ForEachCsvRow on its text or ForEachCsvRowInFile)
// into `parsed`, its problems into `problems`; `lines`: about how many lines it has.
using CsvRead = std::function<Status<Error>(const std::function<bool(const CsvTable&)>&,
                                            const std::function<void(const CsvTable&, CsvRow&&)>&)>;
void ParseImportFile(const std::string& name, const CsvRead& read, size_t lines,
                     const CompetenceModel* model, ParsedImport& parsed, Problems& problems) {
  const auto columns = RequiredColumns().find(name);
  if (columns == RequiredColumns().end()) {
    problems.AddFile(name,
                     "unknown file; expected creditors.csv, clients.csv, plans.csv, "
                     "bills.csv, benefits.csv, toeslagen.csv, receipts.csv, "
                     "assessments.csv, handovers.csv, confirmations.csv or "
                     "direct_debits.csv");
    return;
  }
  // The rows are parsed as they are read: a file is never held as a table, and a file read from
  // a folder never whole (issue 18: the assessments' text is about 2 KB a client, its table was
  // more).
  const auto known_keys =  // the model's level keys, once per file
      model != nullptr && name == "assessments.csv"
          ? std::make_unique<std::set<std::string, std::less<>>>(LevelKeys(*model))
          : nullptr;
  const uint32_t file = parsed.FileIndex(name);
  // The file's parser, chosen once rather than by its name at every row.
  const auto parse = [&]() -> std::function<void(RowReader&)> {
    ParsedImport* out = &parsed;
    if (name == "creditors.csv") return [out](RowReader& r) { ParseCreditor(r, out); };
    if (name == "clients.csv") return [out](RowReader& r) { ParseClient(r, out); };
    if (name == "plans.csv") return [out](RowReader& r) { ParsePlan(r, out); };
    if (name == "bills.csv") return [out](RowReader& r) { ParseBill(r, out); };
    if (name == "benefits.csv") return [out](RowReader& r) { ParseBenefit(r, out); };
    if (name == "toeslagen.csv") return [out](RowReader& r) { ParseToeslag(r, out); };
    if (name == "receipts.csv") return [out](RowReader& r) { ParseReceipt(r, out); };
    if (name == "assessments.csv") {
      const auto* keys = known_keys.get();
      return [out, model, keys](RowReader& r) { ParseAssessment(r, model, keys, out); };
    }
    if (name == "handovers.csv") return [out](RowReader& r) { ParseHandOverRow(r, out); };
    if (name == "confirmations.csv") return [out](RowReader& r) { ParseConfirmation(r, out); };
    return [out](RowReader& r) { ParseDirectDebit(r, out); };
  }();
  const auto header = [&](const CsvTable& table) {
    if (table.separator == ';') parsed.dutch_files.push_back(name);
    const bool columns_ok = HasColumns(name, table, problems);
    if (columns_ok) ReserveRows(name, lines, parsed.batch);
    return columns_ok;
  };
  const auto on_row = [&](const CsvTable& table, CsvRow&& row) {
    if (const std::string wrong = FieldCountProblem(table, row); !wrong.empty()) {
      problems.AddFile(name + ":" + std::to_string(row.line), wrong);
      return;
    }
    RowReader r(table, row, &problems, file);
    parse(r);
  };
  if (auto done = read(header, on_row); !done) {
    problems.AddLine(done.error().message);  // already "<file>:<line>: why"
  }
}

}  // namespace

Result<ParsedImport, Error> ParseImportFiles(
    const std::vector<std::pair<std::string, std::string>>& files, const CompetenceModel* model) {
  Problems problems;
  ParsedImport parsed;
  for (const auto& file : files) {
    const std::string& name = file.first;
    const std::string& text = file.second;
    const auto read = [&](const auto& on_header, const auto& on_row) {
      return ForEachCsvRow(text, name, on_header, on_row);
    };
    const auto lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    ParseImportFile(name, read, lines, model, parsed, problems);
  }
  if (!problems.empty()) return problems.Refusal();
  return parsed;
}

}  // namespace ontzorg

namespace ontzorg {
namespace {

// Compares stored and imported rows field by field, through their store encoding.
std::string Fingerprint(const Assessment& a) {
  return a.client.value + "|" + a.on.ToString() + "|" + a.by + "|" + a.note + "|" +
         a.levels.Encoded();
}
std::string Fingerprint(const HandOverDecision& d) {
  return d.client.value + "|" + d.bill.value + "|" + ToString(d.state) + "|" + d.from.ToString() +
         "|" + d.reason + "|" + d.by + "|" + d.decided_on.ToString();
}
std::string Fingerprint(const PaymentConfirmation& c) {
  return c.client.value + "|" + (c.paid ? "yes" : "no") + "|" + c.by + "|" + c.on.ToString();
}
std::string OptMonthText(const std::optional<YearMonth>& m) { return m ? m->ToString() : ""; }
std::string Fingerprint(const Receipt& r) {
  return r.client.value + "|" + ToString(r.kind) + "|" + r.received_on.ToString() + "|" +
         std::to_string(r.amount.cents()) + "|" + OptMonthText(r.covers_from) + "|" +
         OptMonthText(r.covers_to) + "|" + ToString(r.landed_on);
}

// Frees the memory of rows moved elsewhere (a moved-from vector keeps its capacity).
template <typename T>
void Release(std::vector<T>& rows) {
  rows.clear();
  rows.shrink_to_fit();
}

// Splits `rows` into new ones (moved to `added`: an import holds its rows once, issue 18) and
// identical repeats of stored ones (counted); a stored row with the same key but other data is a
// problem.

template <typename T, typename KeyFn>
void Reconcile(std::vector<T>& rows, const std::vector<T>& stored, KeyFn key,
               const std::string& prefix, const ParsedImport& parsed, Problems* problems,
               std::vector<T>* added, int* skipped) {
  std::map<std::string, std::string> stored_prints;
  for (const T& s : stored) stored_prints[key(s)] = Fingerprint(s);
  added->reserve(added->size() + rows.size());
  for (T& row : rows) {
    const auto it = stored_prints.find(key(row));
    if (it == stored_prints.end()) {
      added->push_back(std::move(row));
    } else if (it->second == Fingerprint(row)) {
      ++*skipped;
    } else {
      problems->Add(parsed.Where(prefix + key(row)), "id",
                    "'" + key(row) +
                        "' is already stored with other data; changing stored "
                        "records by import is not supported (nothing was changed)");
    }
  }
  Release(rows);
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Splits `rows` of a record that changes over time (issue 16) into new records, identical
// repeats (counted), and changes: a row with `valid_from` that differs from the record as it
// holds in that month becomes a version setting the fields that differ. A row without
// `valid_from` that differs from both the record as imported and as it now holds is refused,
// naming the fields.
template <typename T, typename KeyFn>
struct VersionedRows {
  std::vector<T>& rows;  // moved into the new records and changes, then released
  const std::vector<T>& stored;
  const std::vector<Version<T>>& versions;
  KeyFn key;
  std::string prefix;
};

template <typename T, typename KeyFn>
VersionedRows(std::vector<T>&, const std::vector<T>&, const std::vector<Version<T>>&, KeyFn,
              const char*) -> VersionedRows<T, KeyFn>;

template <typename T, typename KeyFn>
void ReconcileVersioned(const VersionedRows<T, KeyFn>& in, const ParsedImport& parsed,
                        const std::optional<YearMonth>& exported_through, Problems* problems,
                        std::vector<T>* added, std::vector<Version<T>>* changes, int* skipped) {
  std::map<std::string, const T*> stored;
  for (const T& s : in.stored) stored[in.key(s)] = &s;
  std::map<std::string, std::vector<Version<T>>> versions;
  for (const Version<T>& v : in.versions) versions[in.key(v.row)].push_back(v);
  added->reserve(added->size() + in.rows.size());
  for (T& row : in.rows) {
    const std::string k = in.prefix + in.key(row);
    const auto where = [&] { return parsed.Where(k); };  // built only for a problem
    const auto mark = parsed.changes.find(k);
    const auto it = stored.find(in.key(row));
    if (it == stored.end()) {
      if (mark != parsed.changes.end()) {
        problems->Add(where(), "valid_from",
                      "'" + in.key(row) +
                          "' is not stored, so there is nothing to change: check the id, or "
                          "leave valid_from empty to add it as a new record");
        continue;
      }
      added->push_back(std::move(row));
      continue;
    }
    const std::vector<Version<T>>& history = versions[in.key(row)];
    if (mark == parsed.changes.end()) {
      const auto differ = DifferingFields(AsOf(*it->second, history, std::nullopt), row);
      if (differ.empty() || DifferingFields(*it->second, row).empty()) {
        ++*skipped;
        continue;
      }
      problems->Add(where(), differ.front(),
                    "'" + in.key(row) + "' is stored with other " + Joined(differ) +
                        "; to change it from a month on, add the columns valid_from (the first "
                        "month it holds for, YYYY-MM) and change_reason (nothing was changed)");
      continue;
    }
    const YearMonth from = mark->second.valid_from;
    const auto differ = DifferingFields(AsOf(*it->second, history, from), row);
    if (differ.empty()) {
      ++*skipped;
      continue;
    }
    if (exported_through && from <= *exported_through) {
      problems->Add(where(), "valid_from",
                    from.ToString() + " is paid already (the batch of " +
                        exported_through->ToString() +
                        " is exported and an exported month is never rewritten): give " +
                        exported_through->AddMonths(1).ToString() +
                        " or later; money for a paid month is corrected by the next run or a "
                        "re-issue");
      continue;
    }
    if (const std::string fixed = FixedField<T>(differ); !fixed.empty()) {
      problems->Add(where(), fixed,
                    "cannot change: it identifies the record (for another " + fixed +
                        ", add a new record and end this one)");
      continue;
    }
    if (mark->second.reason.empty()) {
      problems->Add(where(), "change_reason",
                    "required with valid_from: say why " + Joined(differ) +
                        " changes (e.g. 'huurverhoging per 1 juli, brief verhuurder')");
      continue;
    }
    changes->push_back(Version<T>{from, 0, differ, std::move(row), "", "", mark->second.reason});
  }
  Release(in.rows);
}

}  // namespace

namespace {

// A row names a client of another municipality (issue 20): client numbers are one series for
// the whole installation, and a municipality never writes into another's clients.
std::string ElsewhereText(const std::string& client, const std::string& code) {
  return "client '" + client + "' belongs to municipality " + code +
         ", not to the one this import is for; import it with --municipality " + code +
         ", or give a new client number (numbers are unique in the installation)";
}

// The checks of the rows of one import together with the stored rows they refer to or repeat.
// Each step records its problems; the import is refused when any step found one.
class ImportCheck {
 public:
  // The learning records of `parsed` are moved into the report (RepeatsOfStoredRows).
  ImportCheck(ParsedImport& parsed, const ImportBatch& existing)
      : parsed_(parsed), in_(parsed.batch), existing_(existing) {}

  // Every client and creditor id known to this import, and no BSN on two clients.
  void KnownClientsAndCreditors() {
    std::map<std::string, std::string> bsn_owner;
    for (const Client& c : existing_.clients) {
      clients_.insert(c.id.value);
      bsn_owner[c.bsn] = c.id.value;
    }
    for (const Client& c : in_.clients) {
      if (const auto elsewhere = existing_.clients_elsewhere.find(c.id.value);
          elsewhere != existing_.clients_elsewhere.end()) {
        problems_.Add(Where("client:" + c.id.value), "id",
                      ElsewhereText(c.id.value, elsewhere->second));
      }
      clients_.insert(c.id.value);
      const auto [it, fresh] = bsn_owner.emplace(c.bsn, c.id.value);
      if (!fresh && it->second != c.id.value) {
        // The owner given in an earlier part of this import but on a later line is the one
        // named, as when the whole import is read at once.
        const RowPlace here = parsed_.where.at("client:" + c.id.value);
        const auto owner = parsed_.claimed != nullptr
                               ? parsed_.claimed->Find("client:" + it->second)
                               : std::nullopt;
        if (owner && std::tie(owner->file, owner->line) > std::tie(here.file, here.line)) {
          problems_.Add(parsed_.files.at(owner->file) + ":" + std::to_string(owner->line), "bsn",
                        "this BSN already belongs to client " + c.id.value);
        } else {
          problems_.Add(Where("client:" + c.id.value), "bsn",
                        "this BSN already belongs to client " + it->second);
        }
      }
    }
    for (const Creditor& c : existing_.creditors) creditors_.insert(c.id.value);
    for (const Creditor& c : in_.creditors) creditors_.insert(c.id.value);
  }

  // Plans and bills name a known client; bills a known creditor.
  void PlansAndBillsReferToKnownRows() {
    for (const ReliefPlan& p : in_.plans) NeedClient("plan:" + p.client.value, p.client);
    for (const Bill& b : in_.bills) {
      NeedClient("bill:" + b.id.value, b.client);
      if (!creditors_.count(b.creditor.value)) {
        problems_.Add(
            Where("bill:" + b.id.value), "creditor_id",
            "creditor '" + b.creditor.value + "' is not in creditors.csv nor in the store");
      }
    }
  }

  // Bijstand amounts: new, an identical repeat (skipped), a correction for its own month (a
  // row with valid_from equal to its month, issue 16), or a conflict with the stored amount.
  void Benefits() {
    std::map<std::string, Money> stored;
    for (const auto& b : existing_.benefits) {
      stored[b.client.value + "|" + b.month.ToString()] = b.amount;
    }
    for (const BenefitVersion& v : existing_.versions.benefits) {  // in order of entry
      stored[v.client.value + "|" + v.month.ToString()] = v.amount;
    }
    report_.added.benefits.reserve(in_.benefits.size());
    for (auto& b : in_.benefits) {
      const std::string key = b.client.value + "|" + b.month.ToString();
      NeedClient("benefit:" + key, b.client);
      const auto it = stored.find(key);
      const auto mark = parsed_.changes.find("benefit:" + key);
      if (it == stored.end() && mark != parsed_.changes.end()) {
        problems_.Add(Where("benefit:" + key), "valid_from",
                      "no bijstand amount is stored for this client and month, so there is "
                      "nothing to correct: leave valid_from empty to add it");
      } else if (it == stored.end()) {
        report_.added.benefits.push_back(std::move(b));
      } else if (it->second == b.amount) {
        ++report_.skipped_identical;
      } else if (mark == parsed_.changes.end()) {
        problems_.Add(Where("benefit:" + key), "amount",
                      "a different amount (" + FormatEuros(it->second) +
                          ") is stored for this client and month; to correct it, give "
                          "valid_from " +
                          b.month.ToString() + " and a change_reason (nothing was changed)");
      } else if (mark->second.valid_from != b.month) {
        problems_.Add(Where("benefit:" + key), "valid_from",
                      "a bijstand amount holds for its own month: give valid_from " +
                          b.month.ToString() + " (for later months import their own rows)");
      } else if (existing_.exported_through && b.month <= *existing_.exported_through) {
        problems_.Add(Where("benefit:" + key), "valid_from",
                      b.month.ToString() +
                          " is paid already (an exported month is never rewritten); the "
                          "difference is settled with the next month's bijstand");
      } else if (mark->second.reason.empty()) {
        problems_.Add(Where("benefit:" + key), "change_reason",
                      "required with valid_from: say why the amount changes");
      } else {
        report_.added.versions.benefits.push_back(
            {b.client, b.month, b.amount, 0, "", "", mark->second.reason});
      }
    }
    Release(in_.benefits);
  }

  // Toeslag expectations and receipts name a known client and do not change stored rows.
  void ToeslagenAndReceipts() {
    for (const ToeslagExpectation& e : in_.toeslagen) {
      NeedClient("toeslag:" + e.client.value + "|" + ToString(e.kind), e.client);
    }
    for (const Receipt& r : in_.receipts) {
      NeedClient("receipt:" + r.id, r.client);
      NotRecordedTwice(r);
    }
    Changes(VersionedRows{in_.toeslagen, existing_.toeslagen, existing_.versions.toeslagen,
                          [](const ToeslagExpectation& e) {
                            return e.client.value + "|" + ToString(e.kind);
                          },
                          "toeslag:"},
            &report_.added.toeslagen, &report_.added.versions.toeslagen);
    Repeats(
        in_.receipts, existing_.receipts, [](const Receipt& r) { return r.id; },
        "receipt:", &report_.added.receipts);
  }

  // Learning records: the client must exist; a hand-over must name one of the client's bills and
  // be allowed by the plan (a statutory plan pays every bill until month six has ended).
  void LearningRecords() {
    for (const Assessment& a : in_.assessments) NeedClient("assessment:" + a.id, a.client);
    for (const Bill& b : existing_.bills) bills_[b.id.value] = &b;
    for (const Bill& b : in_.bills) bills_[b.id.value] = &b;
    std::map<std::string, const ReliefPlan*> plans;
    for (const ReliefPlan& p : existing_.plans) plans[p.client.value] = &p;
    for (const ReliefPlan& p : in_.plans) plans[p.client.value] = &p;
    for (const HandOverDecision& d : in_.hand_overs) {
      const std::string key = "handover:" + d.id;
      const Bill* bill = NeedBill(key, d.client, d.bill);
      const auto plan = plans.find(d.client.value);
      if (bill == nullptr) continue;
      if (plan == plans.end()) {
        problems_.Add(
            Where(key), "client_id",
            "client '" + d.client.value + "' has no relief plan in plans.csv nor in the store");
        continue;
      }
      if (auto allowed = CheckHandOver(*plan->second, *bill, d.state, d.from, d.reason); !allowed) {
        problems_.Add(Where(key),
                      allowed.error() == HandOverError::kWithoutReason ? "reason" : "from",
                      Describe(allowed.error()));
      }
    }
    for (const PaymentConfirmation& c : in_.confirmations) {
      NeedBill("confirmation:" + c.bill.value + "|" + c.period.ToString(), c.client, c.bill);
    }
  }

  // Direct-debit records name a known bill; identical records are history already kept.
  void DirectDebits() {
    const auto print = [](const DirectDebitRecord& d) {
      return d.bill.value + "|" + ToString(d.status) + "|" + d.on.ToString() + "|" +
             d.confirmed_by + "|" + d.note;
    };
    std::set<std::string> stored;
    for (const DirectDebitRecord& d : existing_.direct_debits) stored.insert(print(d));
    report_.added.direct_debits.reserve(in_.direct_debits.size());
    for (size_t i = 0; i < in_.direct_debits.size(); ++i) {
      DirectDebitRecord& d = in_.direct_debits[i];
      const auto it = bills_.find(d.bill.value);
      if (it == bills_.end()) {
        problems_.Add(Where("direct_debit:" + std::to_string(i)), "bill_id",
                      "bill '" + d.bill.value + "' is not in bills.csv nor in the store");
        continue;
      }
      d.client = it->second->client;
      if (stored.insert(print(d)).second) {
        report_.added.direct_debits.push_back(std::move(d));
      } else {
        ++report_.skipped_identical;
      }
    }
    Release(in_.direct_debits);
  }

  // The keyed tables: new rows are added, identical repeats skipped, changed ones refused.
  void RepeatsOfStoredRows() {
    Repeats(
        in_.assessments, existing_.assessments, [](const Assessment& a) { return a.id; },
        "assessment:", &report_.added.assessments);
    Repeats(
        in_.hand_overs, existing_.hand_overs, [](const HandOverDecision& d) { return d.id; },
        "handover:", &report_.added.hand_overs);
    Repeats(
        in_.confirmations, existing_.confirmations,
        [](const PaymentConfirmation& c) { return c.bill.value + "|" + c.period.ToString(); },
        "confirmation:", &report_.added.confirmations);
    const ImportBatch::Changes& v = existing_.versions;
    ImportBatch::Changes& out = report_.added.versions;
    Changes(VersionedRows{in_.creditors, existing_.creditors, v.creditors,
                          [](const Creditor& c) { return c.id.value; }, "creditor:"},
            &report_.added.creditors, &out.creditors);
    Changes(VersionedRows{in_.clients, existing_.clients, v.clients,
                          [](const Client& c) { return c.id.value; }, "client:"},
            &report_.added.clients, &out.clients);
    Changes(VersionedRows{in_.plans, existing_.plans, v.plans,
                          [](const ReliefPlan& p) { return p.client.value; }, "plan:"},
            &report_.added.plans, &out.plans);
    Changes(VersionedRows{in_.bills, existing_.bills, v.bills,
                          [](const Bill& b) { return b.id.value; }, "bill:"},
            &report_.added.bills, &out.bills);
  }

  Result<ImportReport, Error> Outcome() {
    if (!problems_.empty()) return problems_.Refusal();
    return std::move(report_);
  }
  // The report, or nothing with the problems moved to `into`.
  std::optional<ImportReport> Outcome(Problems& into) {
    if (!problems_.empty()) {
      into.Append(std::move(problems_));
      return std::nullopt;
    }
    return std::move(report_);
  }

 private:
  std::string Where(const std::string& key) const { return parsed_.Where(key); }

  void NeedClient(const std::string& key, const ClientId& id) {
    if (const auto elsewhere = existing_.clients_elsewhere.find(id.value);
        elsewhere != existing_.clients_elsewhere.end()) {
      problems_.Add(Where(key), "client_id", ElsewhereText(id.value, elsewhere->second));
    } else if (!clients_.count(id.value)) {
      problems_.Add(Where(key), "client_id",
                    "client '" + id.value + "' is not in clients.csv nor in the store");
    }
  }

  const Bill* NeedBill(const std::string& key, const ClientId& client, const BillId& bill) {
    const auto it = bills_.find(bill.value);
    if (it == bills_.end() || it->second->client != client) {
      problems_.Add(Where(key), "bill_id",
                    "bill '" + bill.value + "' of client '" + client.value +
                        "' is not in bills.csv nor in the store");
      return nullptr;
    }
    return it->second;
  }

  // The same money is recorded once: a receipt typed for money a bank line already booked, or
  // that another typed receipt already holds (same client, kind, amount and account, within a
  // week: a double click, two people entering one letter), would count it twice.
  // (The stored receipts are grouped by client once, so a second import of N receipts into a
  // store of N compares each with its own client's only, not with all N: issue 18.)
  void NotRecordedTwice(const Receipt& r) {
    if (receipts_by_client_.empty()) {
      for (const Receipt& x : existing_.receipts) receipts_by_client_[x.client.value].push_back(x);
    }
    const auto own = receipts_by_client_.find(r.client.value);
    if (own == receipts_by_client_.end()) return;
    const Receipt* same = SameMoney(r, own->second, kSameMoneyDays);  // skips r's own id
    if (same == nullptr) return;
    const std::string what = std::string(ToString(same->kind)) + " " + FormatEuros(same->amount) +
                             " for " + same->client.value + ", received " +
                             same->received_on.ToString();
    if (same->id.rfind("BF", 0) == 0) {
      problems_.Add(Where("receipt:" + r.id), "amount",
                    "the same money (" + what + ") was already booked from bank line " + same->id +
                        "; it is not recorded twice (a second payment shows up in the bank's "
                        "file as a line to assign)");
    } else {
      problems_.Add(Where("receipt:" + r.id), "amount",
                    "the same money (" + what + ") is already recorded as receipt " + same->id +
                        "; it is not recorded twice (a second payment of the same amount within a "
                        "week is left to finance, from the bank's file)");
    }
  }

  template <typename T, typename KeyFn>
  void Changes(const VersionedRows<T, KeyFn>& in, std::vector<T>* added,
               std::vector<Version<T>>* changes) {
    ReconcileVersioned(in, parsed_, existing_.exported_through, &problems_, added, changes,
                       &report_.skipped_identical);
  }

  template <typename T, typename KeyFn>
  void Repeats(std::vector<T>& rows, const std::vector<T>& stored, KeyFn key,
               const std::string& prefix, std::vector<T>* added) {
    Reconcile(rows, stored, key, prefix, parsed_, &problems_, added, &report_.skipped_identical);
  }

  const ParsedImport& parsed_;
  ImportBatch& in_;
  const ImportBatch& existing_;
  Problems problems_;
  ImportReport report_;
  std::set<std::string> clients_, creditors_;
  std::map<std::string, const Bill*> bills_;
  std::map<std::string, std::vector<Receipt>> receipts_by_client_;
};

}  // namespace

namespace {
void RunChecks(ImportCheck& check) {
  check.KnownClientsAndCreditors();
  check.PlansAndBillsReferToKnownRows();
  check.Benefits();
  check.ToeslagenAndReceipts();
  check.LearningRecords();
  check.DirectDebits();
  check.RepeatsOfStoredRows();
}
}  // namespace

Result<ImportReport, Error> CheckImport(ParsedImport parsed, const ImportBatch& existing) {
  ImportCheck check(parsed, existing);
  RunChecks(check);
  return check.Outcome();
}

void StampChanges(ImportBatch& batch, const std::string& user, const std::string& now) {
  const auto stamp = [&](auto& versions) {
    for (auto& v : versions) {
      v.changed_by = user;
      v.changed_at = now;
    }
  };
  stamp(batch.versions.creditors);
  stamp(batch.versions.clients);
  stamp(batch.versions.plans);
  stamp(batch.versions.bills);
  stamp(batch.versions.toeslagen);
  stamp(batch.versions.benefits);
}

namespace {
// The line ends in the file at `path` (the rows it may hold, to make room for them at once).
Result<size_t, Error> CountLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string block(size_t{1} << 20, '\0');
  size_t lines = 0;
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    lines += static_cast<size_t>(
        std::count(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(in.gcount()), '\n'));
  }
  if (in.bad() || !in.eof()) return Fail(ErrorCode::kIo, path + ": cannot be read");
  return lines;
}

// The batches prepared but not exported or cancelled whose month the changes hold for.
Result<std::vector<std::string>, Error> TouchedBatches(Store& store,
                                                       const ImportBatch::Changes& changes) {
  std::optional<YearMonth> first;  // changes hold from here on
  std::set<YearMonth> benefit_months;
  const auto from = [&](const auto& versions) {
    for (const auto& v : versions) first = first ? std::min(*first, v.valid_from) : v.valid_from;
  };
  from(changes.creditors);
  from(changes.clients);
  from(changes.plans);
  from(changes.bills);
  from(changes.toeslagen);
  for (const BenefitVersion& v : changes.benefits) benefit_months.insert(v.month);
  auto batches = store.Batches();
  if (!batches) return Unexpected(batches.error());
  std::vector<std::string> out;
  for (const BatchRecord& b : *batches) {
    const std::string state = b.State();
    if (state != "prepared" && state != "approved") continue;
    if ((first && *first <= b.run.month) || benefit_months.count(b.run.month)) {
      out.push_back("batch " + std::to_string(b.run.id) + " (" + b.run.month.ToString() + ", " +
                    state + ")");
    }
  }
  return out;
}
}  // namespace

namespace {

// A known file found in the import's folder.
struct FoundFile {
  std::string name, path;
  size_t lines = 0;
};

// Who imports, and when: what every part of an import is stamped with.
struct ImportBy {
  const std::string& user;
  const std::string& now;
  const CompetenceModel* model;
};

// Stores the checked rows of `report` (stamped with who and when; `audit`: with the import's
// audit row, else the caller writes one for the whole).
Status<Error> StoreChecked(Store& store, ImportReport& report, const ImportBy& by, bool audit) {
  report.added.recorded_by = by.user;
  report.added.recorded_at = by.now;
  StampChanges(report.added, by.user, by.now);
  report.counts = ImportCounts::Of(report.added);
  return audit ? store.Insert(report.added) : store.InsertPart(report.added);
}

// The import read at once: every row held, checked together and stored.
Result<ImportReport, Error> ImportWhole(const std::vector<FoundFile>& found, Store& store,
                                        const ImportBy& by) {
  // One file at a time, a block at a time: the import holds its parsed rows, never a file's
  // text (issue 18: the assessments' text alone is about 2 KB a client).
  Problems problems;
  ParsedImport parsed;
  for (const FoundFile& f : found) {
    const auto read = [&](const auto& on_header, const auto& on_row) {
      return ForEachCsvRowInFile(f.path, f.name, on_header, on_row);
    };
    ParseImportFile(f.name, read, f.lines, by.model, parsed, problems);
  }
  if (!problems.empty()) return problems.Refusal();
  // What is stored is read and the new rows written in one write transaction: two imports of
  // the same rows at once cannot both find them new (the second finds them stored).
  ImportReport report;
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    auto existing = store.LoadExisting(parsed.batch);
    if (!existing) return Unexpected(existing.error());
    std::vector<std::string> dutch_files = parsed.dutch_files;
    auto checked = CheckImport(std::move(parsed), *existing);  // its rows move to the report
    if (!checked) return Unexpected(checked.error());
    report = std::move(checked).value();
    report.dutch_files = std::move(dutch_files);
    if (auto stored = StoreChecked(store, report, by, true); !stored) {
      return Unexpected(stored.error());
    }
    return Changes{};
  });
  if (!applied) return Unexpected(applied.error());
  return report;
}

// The import read in parts (see ImportDirectory): the parts the rows are split into, and what
// the parts read so far found and stored.
class PartedImport {
 public:
  PartedImport(Store& store, const ImportBy& by) : store_(store), by_(by) {}

  // Splits the files into `client_parts` parts by client, after a part of the creditors and
  // before one of the direct debits whose bill is not in the import.
  Status<Error> Split(const std::vector<FoundFile>& found, size_t client_parts) {
    auto parts = ImportParts::Create(client_parts + 2);
    if (!parts) return Unexpected(parts.error());
    parts_ = std::move(parts).value();
    client_parts_ = client_parts;
    // Clients are given parts in the order they are first read, so many in a part: a part holds
    // neighbours in the files (and in the store's indexes, which an import sorted by client then
    // fills in order).
    // About how many clients the import names: clients.csv's lines, or without it (an import
    // of amounts or assessments of stored clients) those of its longest file of client rows.
    size_t clients = 0, longest = 0;
    for (const FoundFile& f : found) {
      if (f.name == "clients.csv") clients = f.lines;
      if (f.name != "creditors.csv" && f.name != "direct_debits.csv") {
        longest = std::max(longest, f.lines);
      }
    }
    if (clients == 0) clients = longest;
    clients_per_part_ = std::max<size_t>(1, (clients + client_parts - 1) / client_parts);
    for (const FoundFile& f : found) {
      const int fixed = f.name == "creditors.csv" ? 0 : -1;
      const std::string column = f.name == "clients.csv"         ? "id"
                                 : f.name == "direct_debits.csv" ? "bill_id"
                                                                 : "client_id";
      const auto header = [&](const CsvTable& table) {
        if (table.separator == ';') report_.dutch_files.push_back(f.name);
        return HasColumns(f.name, table, fields_);
      };
      const auto part_of = [&](const CsvTable& table, const CsvRow& row) -> size_t {
        if (fixed >= 0) return static_cast<size_t>(fixed);
        const std::string_view id = Field(table, row, column);
        if (f.name == "direct_debits.csv") return PartOfBill(id);
        const size_t part = PartOfClient(id);
        if (f.name == "bills.csv") bills_.push_back({KeyHash::Of(Field(table, row, "id")), part});
        return part;
      };
      if (f.name == "direct_debits.csv") std::sort(bills_.begin(), bills_.end());
      if (auto added = parts_->Add(f.path, f.name, header, part_of); !added) {
        if (added.error().code == ErrorCode::kIo) return added;
        fields_.AddLine(added.error().message);  // already "<file>:<line>: why"
      }
    }
    client_part_.clear();
    bills_.clear();
    bills_.shrink_to_fit();
    return {};
  }

  // Reads, checks and stores each part in turn, in the caller's transaction.
  Status<Error> Apply() {
    for (size_t part = 0; part < parts_->size(); ++part) {
      if (parts_->Files(part).empty()) continue;  // no creditors, or no debit of a stored bill
      ParsedImport parsed;
      parsed.files = ImportFileNames();  // one numbering of the files for every part
      parsed.claimed = &claimed_;
      for (const std::string& name : parts_->Files(part)) {
        const auto read = [&](const auto& on_header, const auto& on_row) {
          return parts_->ForEachRow(part, name, on_header, on_row);
        };
        ParseImportFile(name, read, parts_->Rows(part, name), by_.model, parsed, fields_);
      }
      claimed_.EndPart();
      // A field's problem anywhere: the rows are checked field by field only, as at once.
      if (!fields_.empty()) continue;
      // Client parts refer to each other only for a BSN or an id given twice; the creditors'
      // part is referred to by every bill, the direct debits' part refers to the bills.
      const bool client_part = part > 0 && part + 1 < parts_->size();
      if (refused_ && !(client_part && !creditors_refused_)) {
        unchecked_ = true;
        continue;
      }
      if (auto checked = CheckPart(std::move(parsed)); !checked) return checked;
      if (refused_ && part == 0) creditors_refused_ = true;
    }
    if (!fields_.empty()) return Refusal(fields_, "");
    if (refused_) {
      return Refusal(checks_, unchecked_ ? kUncheckedNote : "");
    }
    return store_.InsertImportAudit(report_.counts, Actor{by_.user, by_.now});
  }

  ImportReport TakeReport() { return std::move(report_); }

 private:
  // Checks one part against the store (which holds the parts stored before it) and stores it.
  Status<Error> CheckPart(ParsedImport parsed) {
    auto existing = store_.LoadExisting(parsed.batch);
    if (!existing) return Unexpected(existing.error());
    ImportCheck check(parsed, *existing);
    RunChecks(check);
    std::optional<ImportReport> part = check.Outcome(checks_);
    if (!part) {
      refused_ = true;
      return {};
    }
    // Stored even after a refused part: a later part finds its BSNs (the import is given back
    // at the end all the same).
    if (auto stored = StoreChecked(store_, *part, by_, false); !stored) return stored;
    report_.counts += part->counts;
    report_.skipped_identical += part->skipped_identical;
    report_.added.versions.Append(std::move(part->added.versions));
    return {};
  }

  static constexpr const char* kUncheckedNote =
      "Rows that refer to the rows refused above (direct debits, or every bill when a creditor is "
      "refused) were checked field by field only: correct these and import again to check the "
      "rest.";
  static Unexpected<Error> Refusal(Problems& problems, const std::string& note) {
    problems.SortByPlace(ImportFileNames());
    return problems.Refusal(note);
  }

  // A row's value in `column`, trimmed as RowReader trims it ("" when the row lacks it).
  static std::string_view Field(const CsvTable& table, const CsvRow& row,
                                const std::string& column) {
    const int i = table.Column(column);
    if (i < 0 || static_cast<size_t>(i) >= row.fields.size()) return {};
    return Trimmed(row.fields[static_cast<size_t>(i)]);
  }

  // The part of client `id`: the one it was given, else the one being filled. Two ids of one
  // 64-bit hash share a part, which only makes it larger.
  size_t PartOfClient(std::string_view id) {
    const uint64_t key = std::hash<std::string_view>{}(id);
    const auto [it, fresh] = client_part_.emplace(key, 0);
    if (fresh) {
      it->second = 1 + std::min((client_part_.size() - 1) / clients_per_part_, client_parts_ - 1);
    }
    return it->second;
  }

  // A direct debit goes with its bill's client; a bill not in the import (a stored one, or none)
  // into the last part, after every bill of the import is stored.
  size_t PartOfBill(std::string_view id) const {
    const BillPart wanted{KeyHash::Of(id), 0};
    const auto it = std::lower_bound(bills_.begin(), bills_.end(), wanted);
    if (it != bills_.end() && it->key == wanted.key) return it->part;
    return parts_->size() - 1;
  }

  struct BillPart {
    KeyHash key;
    size_t part = 0;
    bool operator<(const BillPart& o) const { return key < o.key; }
  };

  Store& store_;
  const ImportBy& by_;
  std::unique_ptr<ImportParts> parts_;
  size_t client_parts_ = 1, clients_per_part_ = 1;
  std::unordered_map<uint64_t, size_t> client_part_;  // while splitting
  std::vector<BillPart> bills_;                       // while splitting, sorted for the debits'

  ClaimedKeys claimed_;
  Problems fields_;  // problems of a field or a file, found while reading
  Problems checks_;  // problems of rows checked together and against the store
  bool refused_ = false, creditors_refused_ = false, unchecked_ = false;
  ImportReport report_;
};

Result<ImportReport, Error> ImportInParts(const std::vector<FoundFile>& found, size_t lines,
                                          size_t rows_per_part, Store& store, const ImportBy& by) {
  // At most 256 parts, each one open temporary file (25 million rows before a part grows).
  const size_t client_parts =
      std::clamp<size_t>((lines + rows_per_part - 1) / rows_per_part, 1, 256);
  PartedImport parted(store, by);
  if (auto split = parted.Split(found, client_parts); !split) return Unexpected(split.error());
  // Every part read, checked and stored in one write transaction, as an import at once.
  auto applied = store.Atomically([&]() -> Result<Changes, Error> {
    if (auto done = parted.Apply(); !done) return Unexpected(done.error());
    return Changes{};
  });
  if (!applied) return Unexpected(applied.error());
  return parted.TakeReport();
}

}  // namespace

Result<ImportReport, Error> ImportDirectory(const std::string& dir, Store& store,
                                            const std::string& user, const std::string& now,
                                            const CompetenceModel* model, size_t rows_per_part) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) {
    return Fail(ErrorCode::kBadInput,
                dir + ": not a folder; give the folder holding the CSV files");
  }
  std::vector<FoundFile> found;
  size_t lines = 0;
  for (const std::string& name : ImportFileNames()) {
    const fs::path path = fs::path(dir) / name;
    if (!fs::exists(path)) continue;
    auto counted = CountLines(path.string());
    if (!counted) return Unexpected(counted.error());
    found.push_back({name, path.string(), *counted});
    lines += *counted;
  }
  if (found.empty()) {
    return Fail(
        ErrorCode::kBadInput, dir + ": holds none of the import files (" + [] {
          std::string names;
          for (const std::string& n : ImportFileNames()) {
            names += (names.empty() ? "" : ", ") + n;
          }
          return names;
        }() + ")");
  }
  const ImportBy by{user, now, model};
  auto report = lines > rows_per_part ? ImportInParts(found, lines, rows_per_part, store, by)
                                      : ImportWhole(found, store, by);
  if (!report) return report;
  ImportReport out = std::move(report).value();
  if (!out.added.versions.empty()) {
    auto touched = TouchedBatches(store, out.added.versions);
    if (!touched) return Unexpected(touched.error());
    out.touched_batches = std::move(touched).value();
  }
  return out;
}

}  // namespace ontzorg
