// The competence model (config/competences.toml): areas, skills per bill kind, hand-over levels.
#ifndef ONTZORG_ADAPTERS_CONFIG_COMPETENCES_H_
#define ONTZORG_ADAPTERS_CONFIG_COMPETENCES_H_

#include <string>

#include "adapters/error.h"
#include "engine/learning.h"

namespace ontzorg {

// Reads and checks the file; every error names the file, line and key.
Result<CompetenceModel, Error> LoadCompetenceModel(const std::string& path);

}  // namespace ontzorg

#endif  // ONTZORG_ADAPTERS_CONFIG_COMPETENCES_H_
