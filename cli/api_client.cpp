#include "cli/api_client.h"

#include <curl/curl.h>

#include "cli/installation.h"

namespace tend::cli {
namespace {

class LocalClient final : public ApiClient {
 public:
  explicit LocalClient(Installation& installation) : installation_(installation) {}
  Result<ApiReply> call(std::string_view method, std::string_view target, const std::string& body) override {
    api::HttpRequest request;
    request.method = std::string(method);
    request.target = std::string(target);
    request.body = body;
    request.remote_address = "local";
    if (!body.empty()) request.headers.emplace_back("content-type", "application/json");
    api::HttpResponse response = installation_.api->handle_as(request, Principal::local_admin());
    return ApiReply{response.status, std::move(response.body), std::move(response.content_type)};
  }

 private:
  Installation& installation_;
};

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

class RemoteClient final : public ApiClient {
 public:
  RemoteClient(std::string base, std::string token) : base_(std::move(base)), token_(std::move(token)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    curl_ = curl_easy_init();
  }
  ~RemoteClient() override { curl_easy_cleanup(curl_); }

  Result<ApiReply> call(std::string_view method, std::string_view target, const std::string& body) override {
    if (!curl_) return std::unexpected(Error::internal("libcurl failed to initialise"));
    curl_easy_reset(curl_);
    std::string url = base_ + std::string(target);
    std::string response;
    std::string method_text(method);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token_).c_str());
    headers = curl_slist_append(headers, "Accept: application/json");
    if (!body.empty()) headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method_text.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    if (!body.empty() || method == "POST") {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      return std::unexpected(Error::unavailable("cannot reach " + base_ + ": " + curl_easy_strerror(rc)));
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    char* content_type = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_CONTENT_TYPE, &content_type);
    return ApiReply{static_cast<int>(status), std::move(response), content_type ? content_type : ""};
  }

 private:
  std::string base_;
  std::string token_;
  CURL* curl_ = nullptr;
};

}  // namespace

std::unique_ptr<ApiClient> make_local_client(Installation& installation) {
  return std::make_unique<LocalClient>(installation);
}

Result<std::unique_ptr<ApiClient>> make_remote_client(const std::string& base_url, const std::string& token) {
  if (!base_url.starts_with("http://") && !base_url.starts_with("https://")) {
    return std::unexpected(Error::invalid_field("server", "must be a URL such as http://127.0.0.1:8080"));
  }
  if (token.empty()) return std::unexpected(Error::invalid_field("token", "is required with --server"));
  return std::unique_ptr<ApiClient>(std::make_unique<RemoteClient>(base_url, token));
}

}  // namespace tend::cli
