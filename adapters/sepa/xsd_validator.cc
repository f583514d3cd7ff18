#include "adapters/sepa/xsd_validator.h"

#include <libxml/xmlschemas.h>

#include <filesystem>
#include <vector>

namespace ontzorg {
namespace {

void CollectError(void* ctx, xmlErrorPtr error) {
  auto* errors = static_cast<std::vector<std::string>*>(ctx);
  if (error == nullptr || errors->size() >= 10) return;
  std::string msg = error->message != nullptr ? error->message : "unknown error";
  while (!msg.empty() && msg.back() == '\n') msg.pop_back();
  errors->push_back("line " + std::to_string(error->line) + ": " + msg);
}

}  // namespace

struct XsdValidator::Impl {
  xmlSchemaPtr schema = nullptr;
  ~Impl() {
    if (schema != nullptr) xmlSchemaFree(schema);
  }
};

XsdValidator::~XsdValidator() = default;

Result<std::unique_ptr<XsdValidator>, Error> XsdValidator::Load(const std::string& schema_dir,
                                                                const std::string& message) {
  const std::string path = (std::filesystem::path(schema_dir) / (message + ".xsd")).string();
  if (!std::filesystem::is_regular_file(path)) {
    return Fail(ErrorCode::kBadConfig,
                "schema " + path +
                    " not found: put the official ISO 20022 schemas (from "
                    "iso20022.org, message catalogue) in a folder and set [sepa] schema_dir to it; "
                    "files are never written unvalidated");
  }
  auto v = std::unique_ptr<XsdValidator>(new XsdValidator());
  v->schema_path_ = path;
  v->impl_ = std::make_unique<Impl>();
  std::vector<std::string> errors;
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
  xmlSchemaSetParserStructuredErrors(parser, CollectError, &errors);
  v->impl_->schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (v->impl_->schema == nullptr) {
    return Fail(ErrorCode::kBadConfig, "schema " + path + " cannot be read" +
                                           (errors.empty() ? "" : ": " + errors.front()));
  }
  return v;
}

Status<Error> XsdValidator::ValidateFile(const std::string& path) const {
  std::vector<std::string> errors;
  xmlSchemaValidCtxtPtr ctxt = xmlSchemaNewValidCtxt(impl_->schema);
  xmlSchemaSetValidStructuredErrors(ctxt, CollectError, &errors);
  const int rc = xmlSchemaValidateFile(ctxt, path.c_str(), 0);
  xmlSchemaFreeValidCtxt(ctxt);
  if (rc == 0) return {};
  std::string msg = path + " does not validate against " + schema_path_;
  for (const std::string& e : errors) msg += "\n  " + e;
  return Fail(ErrorCode::kInvalidOutput, msg);
}

}  // namespace ontzorg
