#include "core/rmm/registry.h"

namespace tend::rmm {

std::string EnrollmentToken::refusal(Instant now) const {
  if (revoked_at) return "the enrollment token was revoked";
  if (now >= expires_at) return "the enrollment token has expired";
  if (max_uses && uses >= *max_uses) return "the enrollment token has been used up";
  return "";
}

}  // namespace tend::rmm
