#include "adapters/config/config.h"

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "adapters/config/competences.h"
#include "adapters/config/toml_file.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

namespace fs = std::filesystem;

class Reader {
 public:
  Reader(const toml::table& root, std::string path) : root_(root), path_(std::move(path)) {}

  Unexpected<Error> Bad(const std::string& key, const std::string& what) const {
    const toml::node* node = root_.at_path(key).node();
    std::string where = path_;
    if (node != nullptr && node->source().begin.line > 0) {
      where += ":" + std::to_string(node->source().begin.line);
    }
    return Fail(ErrorCode::kBadConfig, where + ": " + key + ": " + what);
  }

  Result<std::string, Error> String(const std::string& key, std::optional<std::string> fallback) {
    const auto node = root_.at_path(key);
    if (!node) {
      if (fallback) return *fallback;
      return Bad(key, "missing; add it to the file");
    }
    if (const auto v = node.value<std::string>()) return *v;
    return Bad(key, "must be a text in double quotes");
  }

  Result<int64_t, Error> Integer(const std::string& key, int64_t fallback, int64_t lo, int64_t hi) {
    const auto node = root_.at_path(key);
    if (!node) return fallback;
    const auto v = node.value_exact<int64_t>();
    if (!v || *v < lo || *v > hi) {
      return Bad(key,
                 "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    return *v;
  }

  Result<bool, Error> Bool(const std::string& key, bool fallback) {
    const auto node = root_.at_path(key);
    if (!node) return fallback;
    if (const auto v = node.value_exact<bool>()) return *v;
    return Bad(key, "must be true or false");
  }

  // An amount in euros, written as text ("250.00") so no floating point is ever involved.
  Result<Money, Error> Amount(const std::string& key, Money fallback) {
    const auto node = root_.at_path(key);
    if (!node) return fallback;
    const auto text = node.value_exact<std::string>();
    if (!text) return Bad(key, "must be an amount in euros as text, like \"250.00\"");
    const auto amount = ParseEuros(*text);
    if (!amount) return Bad(key, ExplainAmountError(amount.error(), *text));
    if (amount->IsNegative()) return Bad(key, "must not be negative");
    return *amount;
  }

  Result<Date, Error> Day(const std::string& key) {
    const auto node = root_.at_path(key);
    if (!node) return Bad(key, "missing; add the date the policy takes effect, like 2027-01-01");
    if (const auto d = node.value_exact<toml::date>()) {
      const auto date = Date::FromYmd(d->year, d->month, d->day);
      if (date) return *date;
    }
    return Bad(key, "must be a date without quotes, like 2027-01-01");
  }

  const toml::table& root() const { return root_; }

 private:
  const toml::table& root_;
  std::string path_;
};

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || path.find('=') != std::string::npos ||
      path.rfind("postgres", 0) == 0) {
    return path;
  }
  return (fs::path(base_dir) / path).lexically_normal().string();
}

Result<Payee, Error> ReadDebtor(Reader& r) {
  Payee debtor;
  auto name = r.String("managed_account.name", std::nullopt);
  if (!name) return Unexpected(name.error());
  debtor.name = *name;
  auto iban_text = r.String("managed_account.iban", std::nullopt);
  if (!iban_text) return Unexpected(iban_text.error());
  const auto iban = ParseIban(*iban_text);
  if (!iban) return r.Bad("managed_account.iban", ExplainIbanError(iban.error(), *iban_text));
  debtor.iban = *iban;
  auto bic_text = r.String("managed_account.bic", std::string());
  if (!bic_text) return Unexpected(bic_text.error());
  if (!bic_text->empty()) {
    const auto bic = ParseBic(*bic_text);
    if (!bic) return r.Bad("managed_account.bic", ExplainBicError(bic.error(), *bic_text));
    debtor.bic = *bic;
  }
  Address a;
  std::pair<const char*, std::string*> fields[] = {{"street", &a.street},
                                                   {"building", &a.building},
                                                   {"postcode", &a.postcode},
                                                   {"town", &a.town},
                                                   {"country", &a.country}};
  for (auto& [key, target] : fields) {
    auto v = r.String(std::string("managed_account.") + key, std::string());
    if (!v) return Unexpected(v.error());
    *target = *v;
  }
  if (a.town.empty() || a.country.size() != 2) {
    return r.Bad("managed_account.town", "town and a 2-letter country are required");
  }
  debtor.address = a;
  return debtor;
}

// [municipality] address: the lines of the statement's sender block; none: the managed account's
// street, postcode and town.
Result<std::vector<std::string>, Error> ReadAddress(Reader& r, const Payee& debtor) {
  const toml::node* node = r.root().at_path("municipality.address").node();
  if (node == nullptr) {
    std::vector<std::string> lines;
    if (!debtor.address) return lines;
    const Address& a = *debtor.address;
    if (!a.street.empty()) lines.push_back(a.street + (a.building.empty() ? "" : " " + a.building));
    if (!a.town.empty()) lines.push_back(a.postcode + (a.postcode.empty() ? "" : "  ") + a.town);
    return lines;
  }
  const toml::array* arr = node->as_array();
  std::vector<std::string> out;
  for (size_t i = 0; arr != nullptr && i < arr->size(); ++i) {
    const auto line = (*arr)[i].value<std::string>();
    if (!line || line->empty() || line->size() > 70) {
      return r.Bad("municipality.address",
                   "must be a list of address lines in double quotes, each 1-70 characters, e.g. "
                   "[\"Postbus 1\", \"9999 AA Voorbeeld\"]");
    }
    out.push_back(*line);
  }
  if (arr == nullptr || out.empty() || out.size() > 5) {
    return r.Bad("municipality.address", "must be a list of 1 to 5 address lines");
  }
  return out;
}

// A list of roles (e.g. web.second_factor_roles); absent: `fallback`.
Result<std::vector<std::string>, Error> ReadRoles(Reader& r, const std::string& key,
                                                  const std::vector<std::string>& fallback) {
  const toml::node* node = r.root().at_path(key).node();
  if (node == nullptr) return fallback;
  const toml::array* arr = node->as_array();
  std::vector<std::string> out;
  for (size_t i = 0; arr != nullptr && i < arr->size(); ++i) {
    const auto role = (*arr)[i].value<std::string>();
    if (!role ||
        (*role != "finance" && *role != "coach" && *role != "admin" && *role != "auditor")) {
      return r.Bad(key,
                   "must be a list of roles in double quotes (finance, coach, admin, "
                   "auditor), e.g. [\"finance\", \"admin\"]; [] for none");
    }
    out.push_back(*role);
  }
  if (arr == nullptr) return r.Bad(key, "must be a list of roles, e.g. [\"finance\", \"admin\"]");
  return out;
}

Result<std::vector<BillKind>, Error> ReadPriority(Reader& r) {
  const toml::array* arr = r.root().at_path("month.priority").as_array();
  if (arr == nullptr) return MonthPolicy{}.priority;
  std::vector<BillKind> out;
  for (const auto& item : *arr) {
    const auto text = item.value<std::string>();
    const auto kind = text ? ParseBillKind(*text) : std::nullopt;
    if (!kind) {
      return r.Bad("month.priority",
                   "each item must be one of rent, health_insurance, energy, water");
    }
    out.push_back(*kind);
  }
  if (std::set<BillKind>(out.begin(), out.end()).size() != kBillKindCount ||
      out.size() != kBillKindCount) {
    return r.Bad("month.priority", "must name each of the four bill kinds exactly once");
  }
  return out;
}

// [[bridging]]: the bridging policies by date. None: no bridging credit and no minimum.
Result<std::vector<BridgingPolicy>, Error> ReadBridging(Reader& r) {
  std::vector<BridgingPolicy> out;
  const toml::node_view<const toml::node> node = r.root()["bridging"];
  if (!node) return out;
  const toml::array* arr = node.as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    return r.Bad("bridging", "must be written as [[bridging]] tables, one per policy date");
  }
  std::set<Date> dates;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string k = "bridging[" + std::to_string(i) + "].";
    const BridgingPolicy d;
    BridgingPolicy p;
#define OZ_READ(field, expr)              \
  {                                       \
    auto v = (expr);                      \
    if (!v) return Unexpected(v.error()); \
    (field) = *v;                         \
  }
    OZ_READ(p.valid_from, r.Day(k + "valid_from"));
    OZ_READ(p.minimum_per_adult, r.Amount(k + "minimum_per_adult", d.minimum_per_adult));
    OZ_READ(p.minimum_per_child, r.Amount(k + "minimum_per_child", d.minimum_per_child));
    OZ_READ(p.ceiling_single, r.Amount(k + "ceiling_single", d.ceiling_single));
    OZ_READ(p.ceiling_couple, r.Amount(k + "ceiling_couple", d.ceiling_couple));
    OZ_READ(p.ceiling_family, r.Amount(k + "ceiling_family", d.ceiling_family));
    OZ_READ(p.recovery_instalment, r.Amount(k + "recovery_instalment", d.recovery_instalment));
    OZ_READ(p.difference_tolerance, r.Amount(k + "difference_tolerance", d.difference_tolerance));
    int64_t lag = 0, overdue = 0;
    OZ_READ(lag, r.Integer(k + "toeslag_lag_days", d.toeslag_lag_days, 0, 91));
    OZ_READ(overdue, r.Integer(k + "overdue_after_days", d.overdue_after_days, 0, 365));
    p.toeslag_lag_days = static_cast<int>(lag);
    p.overdue_after_days = static_cast<int>(overdue);
    std::string period, form;
    OZ_READ(period, r.String(k + "minimum_period", std::string("month")));
    OZ_READ(form, r.String(k + "form", std::string("loan")));
#undef OZ_READ
    if (period != "month" && period != "week") {
      return r.Bad(k + "minimum_period", "must be \"month\" or \"week\"");
    }
    p.minimum_per_week = period == "week";
    if (form != "loan" && form != "gift") {
      return r.Bad(k + "form", "must be \"loan\" or \"gift\" (bijzondere bijstand)");
    }
    p.form = form == "gift" ? CreditForm::kGift : CreditForm::kLoan;
    if (p.recovery_instalment.cents() == 0) {
      return r.Bad(k + "recovery_instalment",
                   "must be more than 0.00, or credit is never recovered");
    }
    if (!dates.insert(p.valid_from).second) {
      return r.Bad(k + "valid_from", "another [[bridging]] policy has the same date");
    }
    out.push_back(p);
  }
  return out;
}

// [double_debit]: one key per bill kind, "hold" or "pay_with_warning"; a kind left out is not
// guarded. Without the table: the product's default (rent paid with a warning, others held).
Result<DoubleDebitPolicy, Error> ReadDoubleDebit(Reader& r) {
  const toml::table* table = r.root().at_path("double_debit").as_table();
  if (r.root().at_path("double_debit") && table == nullptr) {
    return r.Bad("double_debit", "must be a table: [double_debit] with rent = \"hold\" ...");
  }
  if (table == nullptr) return DoubleDebitPolicy::Default();
  DoubleDebitPolicy p;
  for (const auto& [key, node] : *table) {
    const std::string k = "double_debit." + std::string(key.str());
    const auto kind = ParseBillKind(key.str());
    if (!kind) return r.Bad(k, "is not a bill kind (rent, health_insurance, energy, water)");
    const auto text = node.value<std::string>();
    const auto action = text ? ParseDoubleDebitAction(*text) : std::nullopt;
    if (!action) return r.Bad(k, "must be \"hold\" or \"pay_with_warning\"");
    p.by_kind[*kind] = *action;
  }
  return p;
}

// [[bank.payers]]: accounts whose money into the managed account is recognised: iban and pays
// ("bijstand" or "toeslagen").
Result<std::map<std::string, PayerKind>, Error> ReadPayers(Reader& r) {
  std::map<std::string, PayerKind> out;
  const auto node = r.root().at_path("bank.payers");
  if (!node) return out;
  const toml::array* arr = node.as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    return r.Bad("bank.payers", "must be written as [[bank.payers]] tables with iban and pays");
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string k = "bank.payers[" + std::to_string(i) + "].";
    auto iban_text = r.String(k + "iban", std::nullopt);
    if (!iban_text) return Unexpected(iban_text.error());
    auto iban = ParseIban(*iban_text);
    if (!iban) return r.Bad(k + "iban", ExplainIbanError(iban.error(), *iban_text));
    auto pays = r.String(k + "pays", std::nullopt);
    if (!pays) return Unexpected(pays.error());
    const auto kind = ParsePayerKind(*pays);
    if (!kind) return r.Bad(k + "pays", "must be \"bijstand\" or \"toeslagen\"");
    if (!out.emplace(iban->compact(), *kind).second) {
      return r.Bad(k + "iban", "is listed twice");
    }
  }
  return out;
}

using KeyMap = std::map<std::string, std::set<std::string>>;

// The sections and keys of a municipality's settings (issue 20): what differs between the
// municipalities one installation serves. The rest of the file is the installation's.
const KeyMap& MunicipalityKeys() {
  static const KeyMap kKeys = {
      {"municipality", {"code", "name", "address", "phone"}},
      {"managed_account",
       {"name", "iban", "bic", "street", "building", "postcode", "town", "country"}},
      {"sepa", {"format", "max_transactions_per_file", "batch_booking"}},
      {"month", {"priority", "allowance_day", "settlement_business_days"}},
      {"bridging",
       {"valid_from", "minimum_per_adult", "minimum_per_child", "minimum_period", "ceiling_single",
        "ceiling_couple", "ceiling_family", "form", "recovery_instalment", "toeslag_lag_days",
        "overdue_after_days", "difference_tolerance"}},
      {"double_debit", {}},
      {"plausibility", {"benefit_max", "bill_max", "leefgeld_max", "review_leefgeld_above"}},
      {"bank", {"payers"}},
      {"bank.payers", {"iban", "pays"}},
  };
  return kKeys;
}

// Every key the configuration file may hold: the first municipality's and the installation's.
const KeyMap& ConfigKeys() {
  static const KeyMap kKeys = [] {
    KeyMap keys = MunicipalityKeys();
    keys["sepa"].insert("schema_dir");
    keys["store"] = {"url"};
    keys["learning"] = {"model"};
    keys["texts"] = {"dir", "default_language"};
    keys["web"] = {"address",
                   "port",
                   "certificate",
                   "private_key",
                   "threads",
                   "out_dir",
                   "session_idle_minutes",
                   "session_max_hours",
                   "max_body_bytes",
                   "max_upload_bytes",
                   "request_timeout_seconds",
                   "login_attempts",
                   "login_window_minutes",
                   "second_factor_roles",
                   "metrics_token_sha256"};
    keys["retention"] = {"access_log_days"};
    return keys;
  }();
  return kKeys;
}

// Every key must be one of `keys`. A key not there is refused: a typo ("urll") would otherwise
// be ignored silently and the default used (found by the malformed-input corpus).
Status<Error> CheckKnownKeys(const Reader& r, const KeyMap& keys) {
  const auto check_table = [&](const toml::table& t, const std::string& section,
                               const std::string& path) -> Status<Error> {
    const auto& known = keys.at(section);
    for (const auto& [key, node] : t) {
      const std::string name(key.str());
      if (known.count(name) == 0) {
        std::string list;
        for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
        return r.Bad(path + "." + name, "unknown key; [" + section + "] has " + list);
      }
    }
    return {};
  };
  for (const auto& [key, node] : r.root()) {
    const std::string section(key.str());
    if (keys.count(section) == 0 || section == "bank.payers") {
      return r.Bad(section, "unknown section or key at the top level");
    }
    if (const toml::table* t = node.as_table()) {
      // [double_debit] names bill kinds; ReadDoubleDebit says which kinds there are.
      if (section == "double_debit") continue;
      if (auto s = check_table(*t, section, section); !s) return s;
      if (section == "bank") {
        if (const toml::array* payers = t->get_as<toml::array>("payers")) {
          for (size_t i = 0; i < payers->size(); ++i) {
            if (const toml::table* p = payers->get(i)->as_table()) {
              if (auto s = check_table(*p, "bank.payers", "bank.payers[" + std::to_string(i) + "]");
                  !s) {
                return s;
              }
            }
          }
        }
      }
    } else if (const toml::array* a = node.as_array(); a != nullptr && section == "bridging") {
      for (size_t i = 0; i < a->size(); ++i) {
        if (const toml::table* p = a->get(i)->as_table()) {
          if (auto s = check_table(*p, "bridging", "bridging[" + std::to_string(i) + "]"); !s)
            return s;
        }
      }
    }
  }
  return {};
}

// NOLINTBEGIN(bugprone-macro-parentheses): `var` names the variable the macro declares
#define OZ_TRY(var, expr) \
  auto var = (expr);      \
  if (!var) return Unexpected(var.error())
// NOLINTEND(bugprone-macro-parentheses)

// The month's policies: priority, days, bridging, the double-debit guard, plausibility limits.
Status<Error> ReadMonthPolicies(Reader& r, Config& c) {
  OZ_TRY(priority, ReadPriority(r));
  c.month.priority = *priority;
  OZ_TRY(day, r.Integer("month.allowance_day", 1, 1, 31));
  c.month.allowance_day = static_cast<int>(*day);
  OZ_TRY(settle, r.Integer("month.settlement_business_days", 1, 0, 5));
  c.month.settlement_business_days = static_cast<int>(*settle);
  OZ_TRY(bridging, ReadBridging(r));
  c.month.bridging = *bridging;
  OZ_TRY(double_debit, ReadDoubleDebit(r));
  c.month.double_debit = *double_debit;
  // [plausibility]: amounts beyond these are findings the approver must acknowledge ("0.00": no
  // limit). The defaults hold without the section: an old configuration is not left unguarded.
  OZ_TRY(benefit_max, r.Amount("plausibility.benefit_max", Money::FromCents(500000)));
  OZ_TRY(bill_max, r.Amount("plausibility.bill_max", Money::FromCents(300000)));
  OZ_TRY(leefgeld_max, r.Amount("plausibility.leefgeld_max", Money::FromCents(300000)));
  c.month.plausibility = {.benefit = *benefit_max, .bill = *bill_max, .leefgeld = *leefgeld_max};
  OZ_TRY(review_above, r.Amount("plausibility.review_leefgeld_above", Money::FromCents(150000)));
  c.review_leefgeld_above = *review_above;
  return {};
}

// The municipality's part (issue 20): name and code, managed account, SEPA format and limits, the
// month's policies and who pays into the account. From the configuration file (the first
// municipality) or from a municipality's settings in the store.
Status<Error> ReadMunicipality(Reader& r, Config& c) {
  OZ_TRY(code, r.String("municipality.code", std::nullopt));
  if (!IsValidId(*code) || code->size() > 10) {
    return r.Bad("municipality.code", "must be 1-10 letters, digits or '-', e.g. GM0363");
  }
  c.municipality_code = *code;
  OZ_TRY(name, r.String("municipality.name", std::nullopt));
  c.municipality_name = *name;
  OZ_TRY(debtor, ReadDebtor(r));
  c.debtor = *debtor;
  OZ_TRY(sender, ReadAddress(r, c.debtor));
  c.municipality_address = *sender;
  OZ_TRY(phone, r.String("municipality.phone", std::string()));
  c.municipality_phone = *phone;
  OZ_TRY(version, r.String("sepa.format", std::string("pain.001.001.09")));
  if (*version != "pain.001.001.09" && *version != "pain.001.001.03") {
    return r.Bad("sepa.format", "must be \"pain.001.001.09\" or \"pain.001.001.03\"");
  }
  c.sepa.version = *version == "pain.001.001.03" ? PainVersion::k03 : PainVersion::k09;
  OZ_TRY(max_tx, r.Integer("sepa.max_transactions_per_file", 5000, 1, 100000));
  c.sepa.max_transactions_per_file = static_cast<int>(*max_tx);
  OZ_TRY(batch, r.Bool("sepa.batch_booking", false));
  c.sepa.batch_booking = *batch;
  if (auto s = ReadMonthPolicies(r, c); !s) return s;
  OZ_TRY(payers, ReadPayers(r));
  c.payers = *payers;
  return {};
}

}  // namespace

const char* ToString(PainVersion version) {
  return version == PainVersion::k03 ? "pain.001.001.03" : "pain.001.001.09";
}

// Over 70 lines (105): every key in the order of the file.
// NOLINTNEXTLINE(readability-function-size)
Result<Config, Error> LoadConfig(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    return Fail(ErrorCode::kBadConfig, path + ": configuration file not found (use --config)");
  }
  auto parsed = ParseTomlFile(path);
  if (!parsed) return Unexpected(parsed.error());
  const toml::table root = std::move(parsed).value();
  Reader r(root, path);
  if (auto known = CheckKnownKeys(r, ConfigKeys()); !known) return Unexpected(known.error());
  const std::string base = fs::path(path).parent_path().string();
  Config c;
  c.path = path;
  if (auto s = ReadMunicipality(r, c); !s) return Unexpected(s.error());
  OZ_TRY(store, r.String("store.url", std::string("../var/ontzorg.db")));
  c.store_url = Resolve(base, *store);
  OZ_TRY(schemas, r.String("sepa.schema_dir", std::nullopt));
  c.sepa.schema_dir = Resolve(base, *schemas);
  OZ_TRY(model_path, r.String("learning.model", std::string("competences.toml")));
  if (!fs::is_regular_file(Resolve(base, *model_path), ec)) {
    // Named from the configuration's side, so the reader knows which file and key to fix.
    return r.Bad("learning.model", "'" + Resolve(base, *model_path) +
                                       "' is not a file; give the competence model's path "
                                       "(relative to this file), e.g. \"competences.toml\"");
  }
  OZ_TRY(model, LoadCompetenceModel(Resolve(base, *model_path)));
  c.competences = *model;
  OZ_TRY(texts, r.String("texts.dir", std::string("texts")));
  c.texts_dir = Resolve(base, *texts);
  OZ_TRY(language, r.String("texts.default_language", std::string("nl")));
  c.default_language = *language;
  if (fs::is_directory(c.texts_dir, ec) &&
      !fs::is_regular_file(fs::path(c.texts_dir) / (*language + ".toml"), ec)) {
    // Statements in another language fall back to this one, so it must exist. (A missing texts
    // folder is reported when a statement is written: commands without statements need none.)
    return r.Bad("texts.default_language",
                 "'" + *language + "' has no texts file " +
                     (fs::path(c.texts_dir) / (*language + ".toml")).string() +
                     "; name a language in [texts] dir (e.g. \"nl\")");
  }
  OZ_TRY(address, r.String("web.address", std::string("127.0.0.1")));
  c.web.address = *address;
  OZ_TRY(port, r.Integer("web.port", 8443, 1, 65535));
  c.web.port = static_cast<int>(*port);
  OZ_TRY(cert, r.String("web.certificate", std::string("../var/web/cert.pem")));
  c.web.certificate = Resolve(base, *cert);
  OZ_TRY(key, r.String("web.private_key", std::string("../var/web/key.pem")));
  c.web.private_key = Resolve(base, *key);
  OZ_TRY(threads, r.Integer("web.threads", 2, 1, 64));
  c.web.threads = static_cast<int>(*threads);
  OZ_TRY(idle, r.Integer("web.session_idle_minutes", 30, 1, int64_t{24} * 60));
  c.web.session_idle_minutes = static_cast<int>(*idle);
  OZ_TRY(max_hours, r.Integer("web.session_max_hours", 10, 1, int64_t{24} * 7));
  c.web.session_max_hours = static_cast<int>(*max_hours);
  OZ_TRY(body,
         r.Integer("web.max_body_bytes", int64_t{64} * 1024, 1024, int64_t{16} * 1024 * 1024));
  c.web.max_body_bytes = *body;
  OZ_TRY(upload, r.Integer("web.max_upload_bytes", int64_t{32} * 1024 * 1024, 1024,
                           int64_t{64} * 1024 * 1024));
  c.web.max_upload_bytes = *upload;
  OZ_TRY(timeout, r.Integer("web.request_timeout_seconds", 30, 1, 600));
  c.web.request_timeout_seconds = static_cast<int>(*timeout);
  OZ_TRY(web_out, r.String("web.out_dir", std::string("../out")));
  c.web.out_dir = Resolve(base, *web_out);
  OZ_TRY(attempts, r.Integer("web.login_attempts", 5, 1, 100));
  c.web.login_attempts = static_cast<int>(*attempts);
  OZ_TRY(window, r.Integer("web.login_window_minutes", 15, 1, int64_t{24} * 60));
  c.web.login_window_minutes = static_cast<int>(*window);
  OZ_TRY(second_factor, ReadRoles(r, "web.second_factor_roles", c.web.second_factor_roles));
  c.web.second_factor_roles = *second_factor;
  OZ_TRY(metrics, r.String("web.metrics_token_sha256", std::string()));
  if (!metrics->empty() &&
      (metrics->size() != 64 || !std::all_of(metrics->begin(), metrics->end(), [](char ch) {
         return std::isxdigit(static_cast<unsigned char>(ch)) && !std::isupper(ch);
       }))) {
    return r.Bad("web.metrics_token_sha256",
                 "must be the SHA-256 of the scraper's token in lowercase hex (64 characters), "
                 "e.g. the first word of `printf %s TOKEN | sha256sum`");
  }
  c.web.metrics_token_sha256 = *metrics;
  OZ_TRY(retention, r.Integer("retention.access_log_days", 730, 30, int64_t{365} * 20));
  c.access_log_retention_days = static_cast<int>(*retention);
#undef OZ_TRY
  return c;
}

Result<Config, Error> WithMunicipality(const Config& installation, const std::string& settings,
                                       const std::string& source) {
  auto parsed = ParseTomlText(settings, source);
  if (!parsed) return Unexpected(parsed.error());
  const toml::table root = std::move(parsed).value();
  Reader r(root, source);
  if (auto known = CheckKnownKeys(r, MunicipalityKeys()); !known) {
    return Unexpected(known.error());
  }
  Config c = installation;
  c.month = MonthPolicy{};  // nothing of the installation's first municipality is kept
  c.payers.clear();
  if (auto s = ReadMunicipality(r, c); !s) return Unexpected(s.error());
  return c;
}

Result<std::string, Error> MunicipalitySettingsOf(const std::string& path) {
  auto parsed = ParseTomlFile(path);
  if (!parsed) return Unexpected(parsed.error());
  toml::table settings;
  for (const auto& [key, node] : *parsed) {
    const std::string section(key.str());
    const auto known = MunicipalityKeys().find(section);
    if (known == MunicipalityKeys().end()) continue;
    if (const toml::table* t = node.as_table(); t != nullptr && section != "double_debit") {
      toml::table kept;  // only the municipality's keys ([sepa] schema_dir is the installation's)
      for (const auto& [k, v] : *t) {
        if (known->second.count(std::string(k.str()))) kept.insert(k, v);
      }
      settings.insert(key, std::move(kept));
    } else {
      settings.insert(key, node);
    }
  }
  std::ostringstream out;
  out << toml::toml_formatter(settings) << "\n";
  return out.str();
}

}  // namespace ontzorg
