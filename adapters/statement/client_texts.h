// Texts for clients, in their language: one TOML file per language in config/texts/ (nl.toml,
// en.toml, ...), so a municipality adds a language without code. Placeholders like {drawn} are
// filled with euro amounts written the Dutch way ("€ 50,00").
#ifndef ONTZORG_ADAPTERS_STATEMENT_CLIENT_TEXTS_H_
#define ONTZORG_ADAPTERS_STATEMENT_CLIENT_TEXTS_H_

#include <map>
#include <string>
#include <vector>

#include "adapters/error.h"
#include "engine/month.h"

namespace ontzorg {

struct ClientTexts {
  std::string code;       // "nl"
  std::string language;   // "Nederlands"
  std::string direction;  // "ltr" or "rtl"
  std::string thousands = ".", decimal = ",";
  std::vector<std::string> months;           // 12 month names
  std::map<std::string, std::string> texts;  // "credit.drawn" -> template

  // The text for `key`; `fallback` when the file has none (area and skill names).
  const std::string& Get(const std::string& key, const std::string& fallback) const;
};

// Loads <dir>/<code>.toml; every error names the file, line and key.
Result<ClientTexts, Error> LoadClientTexts(const std::string& dir, const std::string& code);

// "€ 1.234,56" (separators from the language file; default the Dutch way).
std::string EuroForClient(Money amount, const ClientTexts* texts = nullptr);
// "1 maart 2027", "1 March 2027".
std::string DateForClient(Date day, const ClientTexts& texts);
std::string MonthForClient(YearMonth month, const ClientTexts& texts);  // "maart 2027"
// Replaces every {name} in `text` with its value.
std::string FillText(std::string text, const std::map<std::string, std::string>& values);

// The lines of a client's statement about bridging credit in `month`: what was lent (and that it
// is a loan), what is owed, how it is repaid. Empty when nothing about credit applies.
std::vector<std::string> CreditStatementLines(const CreditMonth& credit,
                                              const BridgingPolicy* policy,
                                              const ClientTexts& texts);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STATEMENT_CLIENT_TEXTS_H_
