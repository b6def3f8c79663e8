#pragma once
// The configured [[trunk]] sections as the B2BUA's trunks (docs/SERVER.md "Trunks"): the URI parsed,
// the leg policy (SRTP mode, the URI's transport), digest credentials, numbers, prefix, and the source
// addresses inbound calls must come from (`sources`, else the URI host: an IP literal as is, a name
// resolved once at start).
//
//   auto trunks = server::make_trunks(opts.trunks);   // Errc::invalid_argument naming the trunk
//   cfg.trunks = std::move(*trunks);

#include <vector>

#include "base/result.hpp"
#include "config/server_config.hpp"
#include "core/b2bua/trunk.hpp"

namespace sotto::server {

Result<std::vector<b2bua::Trunk>> make_trunks(const std::vector<config::TrunkConfig>& trunks);

// Where a `register = true` trunk registers: `registrar`, else `uri`; a sips: URI without user.
Result<sip::Uri> trunk_registrar(const config::TrunkConfig& trunk);

}  // namespace sotto::server
