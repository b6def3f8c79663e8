#include "core/ua/ua_config.hpp"

namespace sotto::ua {

std::vector<sdp::CodecCapability> default_codecs() {
  return {sdp::CodecCapability{"PCMU", 8000, {}, {}, {}}, sdp::CodecCapability{"PCMA", 8000, {}, {}, {}},
          sdp::CodecCapability{"telephone-event", 8000, {}, std::uint8_t{101}, std::string("0-16")}};
}

}  // namespace sotto::ua
