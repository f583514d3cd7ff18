// The configuration: one TOML file (config/ontzorg.toml by default), read once at start-up.
// A bad file gives one clear line: which file, which key, what is wrong.
#ifndef ONTZORG_ADAPTERS_CONFIG_CONFIG_H_
#define ONTZORG_ADAPTERS_CONFIG_CONFIG_H_

#include <map>
#include <optional>
#include <string>

#include "adapters/error.h"
#include "engine/bank_feedback.h"
#include "engine/learning.h"
#include "engine/month.h"
#include "engine/relief.h"

namespace ontzorg {

enum class PainVersion { k03, k09 };  // pain.001.001.03 / pain.001.001.09
const char* ToString(PainVersion version);

struct SepaConfig {
  PainVersion version = PainVersion::k09;
  std::string schema_dir;  // folder holding the official ISO 20022 XSDs
  int max_transactions_per_file = 5000;
  bool batch_booking = false;  // BtchBookg: false = one statement line per payment
};

// The web app (`ontzorg serve`): where it listens, its TLS certificate and key (PEM files; the
// demo makes a self-signed pair with ops/web), and its limits.
struct WebConfig {
  std::string address = "127.0.0.1";
  int port = 8443;
  std::string certificate;  // PEM certificate chain; relative to the config file
  std::string private_key;  // PEM private key
  int threads = 2;
  int session_idle_minutes = 30;                // a session ends after this long without a request
  int session_max_hours = 10;                   // and after this long in any case
  int64_t max_body_bytes = int64_t{64} * 1024;  // forms and JSON
  int64_t max_upload_bytes = int64_t{32} * 1024 * 1024;  // bank files
  int request_timeout_seconds = 30;
  std::string out_dir;            // where batches prepared and exported in the app write files
  int login_attempts = 5;         // failed logins per user or address within the window
  int login_window_minutes = 15;  // before further attempts are refused for the window
  // Roles whose users log in with a second factor (TOTP); they set it up at their first login.
  std::vector<std::string> second_factor_roles = {"finance", "admin"};
  // The SHA-256 (hex) of the bearer token a Prometheus scraper sends for /metrics; "" turns
  // /metrics off.
  std::string metrics_token_sha256;
};

struct Config {
  std::string path;  // the file this came from
  // The seq of the stored settings version the municipality sections came from (issue 20); 0:
  // the configuration file's.
  int64_t municipality_version = 0;
  std::string municipality_code;  // e.g. "GM0363"; starts every MsgId
  std::string municipality_name;
  // The statement's sender: the municipality's postal address lines and phone number
  // ([municipality] address, phone); without an address, the managed account's.
  std::vector<std::string> municipality_address;
  std::string municipality_phone;
  Payee debtor;           // the managed account (beheerrekening) that pays
  std::string store_url;  // SQLite file path or PostgreSQL connection string
  SepaConfig sepa;
  MonthPolicy month;
  CompetenceModel competences;  // from [learning] model (default: competences.toml)
  std::string texts_dir;        // client texts, one <language>.toml each (default: texts/)
  std::string default_language = "nl";
  // Who pays into the managed account (compact IBAN -> bijstand / toeslagen), for matching the
  // bank's statements. MonthPolicy::double_debit holds the double-debit guard.
  std::map<std::string, PayerKind> payers;
  // Leefgeld to a client's own account above this is listed on the approval screen ("0.00": none).
  Money review_leefgeld_above = Money::FromCents(150000);
  WebConfig web;
  // How long the access log keeps a view ([retention] access_log_days): older rows are removed by
  // `ontzorg access prune`.
  int access_log_retention_days = 730;
};

// Reads and checks the file. Relative paths in it (store, schema_dir) are relative to the file.
Result<Config, Error> LoadConfig(const std::string& path);

// Several municipalities in one installation (issue 20). The configuration file holds the
// installation ([store], [sepa] schema_dir, [learning], [texts], [web], [retention]) and the first
// municipality's settings; every municipality's settings are in the store, each version from a
// month on: [municipality], [managed_account], [sepa] format and limits, [month], [[bridging]],
// [double_debit], [plausibility] and [[bank.payers]], as TOML text.
//
// The installation with `settings` (TOML text; `source` names it in errors) as its municipality:
// kBadConfig with the source, line and key when a key is unknown, missing or wrong.
Result<Config, Error> WithMunicipality(const Config& installation, const std::string& settings,
                                       const std::string& source);
// The municipality's sections of the TOML file at `path` (a configuration file or a settings
// file), as TOML text: what the store keeps as a settings version.
Result<std::string, Error> MunicipalitySettingsOf(const std::string& path);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CONFIG_CONFIG_H_
