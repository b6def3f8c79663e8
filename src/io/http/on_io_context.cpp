#include "io/http/on_io_context.hpp"

#include <asio/post.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

namespace sotto::io::http {

Handler on_io_context(asio::io_context& io, Handler handler, std::chrono::milliseconds timeout) {
  auto shared = std::make_shared<Handler>(std::move(handler));
  return [&io, shared, timeout](const Request& req) -> Response {
    struct Answer {
      std::mutex mutex;
      std::condition_variable done;
      std::optional<Response> response;
    };
    auto answer = std::make_shared<Answer>();
    asio::post(io, [answer, shared, req] {
      Response r;
      try {
        r = (*shared)(req);
      } catch (const std::exception& e) {
        r = Response::error(500, "handler for " + req.path + " failed: " + e.what());
      } catch (...) {
        r = Response::error(500, "handler for " + req.path + " failed");
      }
      std::lock_guard lock(answer->mutex);
      answer->response = std::move(r);
      answer->done.notify_one();
    });
    std::unique_lock lock(answer->mutex);
    if (!answer->done.wait_for(lock, timeout, [&] { return answer->response.has_value(); })) {
      return Response::error(503, "the server did not answer within " + std::to_string(timeout.count()) + " ms");
    }
    return std::move(*answer->response);
  };
}

}  // namespace sotto::io::http
