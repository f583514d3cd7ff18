#include "adapters/statement/client_texts.h"

#include <filesystem>

#include "adapters/config/toml_file.h"
#include "engine/text.h"

namespace ontzorg {
namespace {

// The keys every language file must have (area and skill names fall back to their ids).
const std::vector<std::string>& RequiredKeys() {
  static const std::vector<std::string> kKeys = {"credit.drawn",
                                                 "credit.outstanding",
                                                 "credit.set_off",
                                                 "credit.to_recover",
                                                 "credit.recovered",
                                                 "credit.paid_off",
                                                 "credit.written_off",
                                                 "credit.gift",
                                                 "statement.title",
                                                 "statement.intro",
                                                 "statement.paid_heading",
                                                 "statement.paid_line",
                                                 "statement.nothing_paid",
                                                 "statement.leefgeld_heading",
                                                 "statement.leefgeld_line",
                                                 "statement.no_leefgeld",
                                                 "statement.you_pay_heading",
                                                 "statement.you_pay_line",
                                                 "statement.you_pay_note",
                                                 "statement.loan_heading",
                                                 "statement.learning_heading",
                                                 "statement.learning_progress",
                                                 "statement.footer",
                                                 "bill_kinds.rent",
                                                 "bill_kinds.energy",
                                                 "bill_kinds.water",
                                                 "bill_kinds.health_insurance",
                                                 "steps.assess",
                                                 "steps.learn_skill",
                                                 "steps.wait_for_month_six",
                                                 "steps.start_practising",
                                                 "steps.start_safety_net",
                                                 "steps.let_go",
                                                 "steps.work_on_area",
                                                 "steps.self_reliant"};
  return kKeys;
}

void Collect(const toml::table& table, const std::string& prefix,
             std::map<std::string, std::string>* out) {
  for (const auto& [key, node] : table) {
    const std::string name = prefix + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      Collect(*sub, name + ".", out);
    } else if (const auto text = node.value<std::string>()) {
      (*out)[name] = *text;
    }
  }
}

std::string Fill(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string token = "{" + name + "}";
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, token.size(), value);
      at += value.size();
    }
  }
  return text;
}

}  // namespace

std::string FillText(std::string text, const std::map<std::string, std::string>& values) {
  return Fill(std::move(text), values);
}

const std::string& ClientTexts::Get(const std::string& key, const std::string& fallback) const {
  const auto it = texts.find(key);
  return it == texts.end() ? fallback : it->second;
}

std::string EuroForClient(Money amount, const ClientTexts* texts) {
  EuroStyle style = EuroStyle::Dutch();
  if (texts) {
    style.thousands = texts->thousands;
    style.decimal = texts->decimal;
  }
  return FormatEuros(amount, style);
}

std::string MonthForClient(YearMonth month, const ClientTexts& texts) {
  return texts.months[static_cast<size_t>(month.month() - 1)] + " " + std::to_string(month.year());
}

std::string DateForClient(Date day, const ClientTexts& texts) {
  return std::to_string(day.day()) + " " + MonthForClient(YearMonth::Of(day), texts);
}

Result<ClientTexts, Error> LoadClientTexts(const std::string& dir, const std::string& code) {
  const std::string path = (std::filesystem::path(dir) / (code + ".toml")).string();
  if (!std::filesystem::is_regular_file(path)) {
    return Fail(ErrorCode::kBadConfig, path + ": no texts for language '" + code +
                                           "'; add the file (copy nl.toml and translate it)");
  }
  auto parsed = ParseTomlFile(path);
  if (!parsed) return Unexpected(parsed.error());
  const toml::table root = std::move(parsed).value();
  ClientTexts t;
  t.code = code;
  t.language = root["language"].value_or(code);
  t.direction = root["direction"].value_or(std::string("ltr"));
  if (t.direction != "ltr" && t.direction != "rtl") {
    return Fail(ErrorCode::kBadConfig, path + ": direction: must be \"ltr\" or \"rtl\"");
  }
  Collect(root, "", &t.texts);
  for (const std::string& key : RequiredKeys()) {
    if (!t.texts.count(key)) {
      return Fail(ErrorCode::kBadConfig, path + ": " + key +
                                             ": missing; every language file "
                                             "needs it (see nl.toml)");
    }
  }
  t.thousands = t.Get("format.thousands", ".");
  t.decimal = t.Get("format.decimal", ",");
  if (const toml::array* months = root.at_path("format.months").as_array()) {
    for (const auto& m : *months) t.months.push_back(m.value_or(std::string()));
  }
  if (t.months.size() != 12) {
    return Fail(ErrorCode::kBadConfig, path + ": format.months: must list the 12 month names");
  }
  return t;
}

std::vector<std::string> CreditStatementLines(const CreditMonth& c, const BridgingPolicy* policy,
                                              const ClientTexts& texts) {
  const auto euro = [&](Money m) { return EuroForClient(m, &texts); };
  const std::map<std::string, std::string> values = {
      {"drawn", euro(c.drawn)},
      {"set_off", euro(c.set_off)},
      {"recovered", euro(c.recovered)},
      {"written_off", euro(c.written_off)},
      {"outstanding", euro(c.after.Outstanding())},
      {"to_recover", euro(c.after.to_recover)},
      {"instalment", euro(policy ? policy->recovery_instalment : Money::Zero())},
      {"minimum", euro(c.minimum)},
  };
  const auto text = [&](const char* key) { return Fill(texts.texts.at(key), values); };
  std::vector<std::string> out;
  if (c.form == CreditForm::kGift) {
    if (c.drawn.IsPositive()) out.push_back(text("credit.gift"));
    return out;
  }
  if (c.drawn.IsPositive()) out.push_back(text("credit.drawn"));
  if (c.set_off.IsPositive()) out.push_back(text("credit.set_off"));
  if (c.moved_to_recovery.IsPositive() ||
      (c.after.to_recover.IsPositive() && !c.recovered.IsPositive())) {
    out.push_back(text("credit.to_recover"));
  }
  if (c.recovered.IsPositive()) out.push_back(text("credit.recovered"));
  if (c.written_off.IsPositive()) out.push_back(text("credit.written_off"));
  if (c.after.loan.IsPositive()) out.push_back(text("credit.outstanding"));
  const bool moved =
      c.set_off.IsPositive() || c.recovered.IsPositive() || c.written_off.IsPositive();
  if (moved && !c.after.Outstanding().IsPositive()) out.push_back(text("credit.paid_off"));
  return out;
}

}  // namespace ontzorg
