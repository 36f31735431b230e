#include "app/crypto.h"

#include <sodium.h>

#include "core/paging.h"

namespace tend {

Status init_crypto() {
  if (sodium_init() < 0) return std::unexpected(Error::internal("libsodium failed to initialise"));
  return {};
}

Result<std::string> hash_password(std::string_view password, PasswordCost cost) {
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (cost == PasswordCost::minimum) {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    mem = crypto_pwhash_MEMLIMIT_MIN;
  } else if (cost == PasswordCost::moderate) {
    ops = crypto_pwhash_OPSLIMIT_MODERATE;
    mem = crypto_pwhash_MEMLIMIT_MODERATE;
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::unexpected(Error::internal("password hashing ran out of memory"));
  }
  return std::string(out);
}

bool verify_password(std::string_view encoded, std::string_view password) {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(encoded);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::string_view prefix) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return std::string(prefix) + base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string token_hash(std::string_view token) {
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 64);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tend
