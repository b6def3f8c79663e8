#pragma once
// on_io_context: a Handler for AdminHttp that runs on an io_context's thread, where the server's state
// lives, instead of on the HTTP worker thread; the worker waits for the answer at most `timeout`.
//
//   admin.get("/api/registrations", io::http::on_io_context(io, [&](const io::http::Request&) {
//     return io::http::Response::json(registrar.to_json());   // runs on io's thread: no locks needed
//   }));
//
// When the io_context does not run the handler in time (stopped, or busy), the client gets 503 with a
// JSON error; the handler may still run later on its own copy of the request, and its answer is dropped.

#include <asio/io_context.hpp>
#include <chrono>

#include "io/http/admin_http.hpp"

namespace sotto::io::http {

Handler on_io_context(asio::io_context& io, Handler handler,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

}  // namespace sotto::io::http
