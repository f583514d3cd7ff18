#include "adapters/config/competences.h"

#include <filesystem>
#include <set>

#include "adapters/config/toml_file.h"

namespace ontzorg {
namespace {

Unexpected<Error> Bad(const std::string& path, const toml::node* node, const std::string& key,
                      const std::string& why) {
  std::string where = path;
  if (node != nullptr && node->source().begin.line > 0) {
    where += ":" + std::to_string(node->source().begin.line);
  }
  return Fail(ErrorCode::kBadConfig, where + ": " + key + ": " + why);
}

Result<std::vector<std::string>, Error> Ids(const std::string& path, const toml::table& root,
                                            const std::string& key) {
  const toml::node* node = root.at_path(key).node();
  const toml::array* arr = node ? node->as_array() : nullptr;
  if (arr == nullptr || arr->empty()) {
    return Bad(path, node, key, "must be a list of ids, like [\"overview\"]");
  }
  std::vector<std::string> out;
  for (const auto& item : *arr) {
    const auto id = item.value<std::string>();
    if (!id || id->empty() ||
        id->find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      return Bad(path, node, key, "each item must be an id of lower-case letters and '_'");
    }
    out.push_back(*id);
  }
  if (std::set<std::string>(out.begin(), out.end()).size() != out.size()) {
    return Bad(path, node, key, "an id is given twice");
  }
  return out;
}

Result<std::vector<BillKind>, Error> Kinds(const std::string& path, const toml::table& root,
                                           const std::string& key) {
  auto ids = Ids(path, root, key);
  if (!ids) return Unexpected(ids.error());
  std::vector<BillKind> out;
  for (const std::string& id : *ids) {
    const auto kind = ParseBillKind(id);
    if (!kind) {
      return Bad(path, root.at_path(key).node(), key,
                 "'" + id + "' is not one of rent, energy, water, health_insurance");
    }
    out.push_back(*kind);
  }
  return out;
}

}  // namespace

Result<CompetenceModel, Error> LoadCompetenceModel(const std::string& path) {
  auto parsed = ParseTomlFile(path);
  if (!parsed) {
    if (!std::filesystem::exists(path)) {
      return Fail(ErrorCode::kBadConfig, path + ": competence model not found ([learning] model)");
    }
    return Unexpected(parsed.error());
  }
  const toml::table root = std::move(parsed).value();
  CompetenceModel m;
  const auto integer = [&](const std::string& key, int fallback, int lo,
                           int hi) -> Result<int, Error> {
    const toml::node* node = root.at_path(key).node();
    if (node == nullptr) return fallback;
    const auto v = node->value_exact<int64_t>();
    if (!v || *v < lo || *v > hi) {
      return Bad(path, node, key,
                 "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    return static_cast<int>(*v);
  };
#define OZ_SET(field, expr)               \
  {                                       \
    auto v = (expr);                      \
    if (!v) return Unexpected(v.error()); \
    (field) = *v;                         \
  }
  OZ_SET(m.max_level, integer("max_level", 3, 1, 9));
  OZ_SET(m.areas, Ids(path, root, "areas"));
  OZ_SET(m.practise_from, integer("hand_over.practise_from", 1, 0, m.max_level));
  OZ_SET(m.safety_net_from, integer("hand_over.safety_net_from", 2, 0, m.max_level));
  OZ_SET(m.alone_from, integer("hand_over.alone_from", 3, 0, m.max_level));
  OZ_SET(m.confirmed_months_before_alone,
         integer("hand_over.confirmed_months_before_alone", 2, 0, 12));
  OZ_SET(m.stalled_after_months, integer("progress.stalled_after_months", 2, 1, 12));
  OZ_SET(m.reassess_after_months, integer("progress.reassess_after_months", 2, 1, 12));
  OZ_SET(m.hand_over_order, Kinds(path, root, "hand_over.order"));
#undef OZ_SET
  if (!(m.practise_from <= m.safety_net_from && m.safety_net_from <= m.alone_from)) {
    return Bad(path, root.at_path("hand_over.alone_from").node(), "hand_over",
               "practise_from <= safety_net_from <= alone_from must hold");
  }
  if (std::set<BillKind>(m.hand_over_order.begin(), m.hand_over_order.end()).size() !=
          kBillKindCount ||
      m.hand_over_order.size() != kBillKindCount) {
    return Bad(path, root.at_path("hand_over.order").node(), "hand_over.order",
               "must name each of the four bill kinds exactly once");
  }
  const toml::array* skills = root["skill"].as_array();
  if (skills == nullptr || !skills->is_array_of_tables() || skills->empty()) {
    return Bad(path, nullptr, "skill", "add [[skill]] tables with id and applies_to");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < skills->size(); ++i) {
    const std::string k = "skill[" + std::to_string(i) + "]";
    const auto* t = (*skills)[i].as_table();
    const auto id = (*t)["id"].value<std::string>();
    if (!id || id->empty() ||
        id->find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      return Bad(path, t, k + ".id", "must be an id of lower-case letters and '_'");
    }
    if (!seen.insert(*id).second) return Bad(path, t, k + ".id", "'" + *id + "' is given twice");
    auto kinds = Kinds(path, root, k + ".applies_to");
    if (!kinds) return Unexpected(kinds.error());
    m.skills.push_back({*id, *kinds});
  }
  return m;
}

}  // namespace ontzorg
