#include "adapters/statement/client_texts.h"

#include <filesystem>

#include "adapters/config/toml_file.h"

namespace ontzorg {
namespace {

// The keys every language file must have.
const std::vector<std::string>& RequiredKeys() {
  static const std::vector<std::string> kKeys = {
      "credit.drawn",    "credit.outstanding", "credit.set_off",     "credit.to_recover",
      "credit.recovered", "credit.paid_off",   "credit.written_off", "credit.gift"};
  return kKeys;
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

std::string EuroForClient(Money amount) {
  const std::string plain = amount.ToDecimalString();  // "-1234.56"
  const bool negative = plain[0] == '-';
  const std::string digits = plain.substr(negative ? 1 : 0, plain.size() - 3 - (negative ? 1 : 0));
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += '.';
    grouped += digits[i];
  }
  return std::string("€ ") + (negative ? "-" : "") + grouped + "," + plain.substr(plain.size() - 2);
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
  for (const std::string& key : RequiredKeys()) {
    const auto value = root.at_path(key).value<std::string>();
    if (!value) {
      return Fail(ErrorCode::kBadConfig, path + ": " + key + ": missing; every language file "
                                                           "needs it (see nl.toml)");
    }
    t.texts[key] = *value;
  }
  return t;
}

std::vector<std::string> CreditStatementLines(const CreditMonth& c, const BridgingPolicy* policy,
                                              const ClientTexts& texts) {
  const std::map<std::string, std::string> values = {
      {"drawn", EuroForClient(c.drawn)},
      {"set_off", EuroForClient(c.set_off)},
      {"recovered", EuroForClient(c.recovered)},
      {"written_off", EuroForClient(c.written_off)},
      {"outstanding", EuroForClient(c.after.Outstanding())},
      {"to_recover", EuroForClient(c.after.to_recover)},
      {"instalment", EuroForClient(policy ? policy->recovery_instalment : Money::Zero())},
      {"minimum", EuroForClient(c.minimum)},
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
  const bool moved = c.set_off.IsPositive() || c.recovered.IsPositive() || c.written_off.IsPositive();
  if (moved && !c.after.Outstanding().IsPositive()) out.push_back(text("credit.paid_off"));
  return out;
}

}  // namespace ontzorg
