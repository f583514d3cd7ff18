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
  std::map<std::string, std::string> texts;  // "credit.drawn" -> template
};

// Loads <dir>/<code>.toml; every error names the file, line and key.
Result<ClientTexts, Error> LoadClientTexts(const std::string& dir, const std::string& code);

// "€ 1.234,56"
std::string EuroForClient(Money amount);

// The lines of a client's statement about bridging credit in `month`: what was lent (and that it
// is a loan), what is owed, how it is repaid. Empty when nothing about credit applies.
std::vector<std::string> CreditStatementLines(const CreditMonth& credit,
                                              const BridgingPolicy* policy,
                                              const ClientTexts& texts);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_STATEMENT_CLIENT_TEXTS_H_
