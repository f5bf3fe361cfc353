#include "refusal.hpp"

#include <capnp/message.h>

#include "json.hpp"
#include "request_decoder.hpp"
#include "response_error.hpp"
#include "schema/protocol.capnp.h"

namespace zhurnal::server::internal {

std::string refusal_frame(std::string_view frame, const std::string& code,
                          const std::string& message, uint32_t retry_after_seconds) {
  capnp::MallocMessageBuilder out;
  auto r = out.initRoot<schema::ServerMessage>().initResponse();
  if (frame.size() <= kMaxRefusalDecodeBytes) {
    capnp::MallocMessageBuilder in;
    auto req = in.initRoot<schema::Request>();
    (void)decode_request(frame, req);  // a bad frame still yields the id read before the error
    r.setId(req.getId());
  }
  set_error(r, code, message, retry_after_seconds);
  return to_json(out.getRoot<schema::ServerMessage>().asReader());
}

}  // namespace zhurnal::server::internal
