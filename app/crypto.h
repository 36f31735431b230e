// Password hashing and secret tokens (libsodium).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace tend {

// Initialises libsodium; call once at start-up (idempotent, thread-safe).
// internal error when the library cannot initialise.
Status init_crypto();

// Cost of argon2id. `interactive` is libsodium's interactive profile (64 MiB,
// 2 passes); `moderate` is stronger and slower. Tests may use `minimum`.
enum class PasswordCost { minimum, interactive, moderate };

// Hashes a password with argon2id and a random salt; returns the encoded
// string ($argon2id$...). internal error when out of memory.
Result<std::string> hash_password(std::string_view password, PasswordCost cost);

// True when `password` matches `encoded` (constant time). False for an
// empty or malformed `encoded`.
bool verify_password(std::string_view encoded, std::string_view password);

// A new secret: `prefix` followed by 32 random bytes in base64url
// ("tend_s_..." for sessions, "tend_pat_..." for API tokens).
std::string random_token(std::string_view prefix);

// The stored form of a token: hex BLAKE2b-256 of it. Tokens carry 256 bits
// of randomness, so a fast hash is enough; the table keys on this value.
std::string token_hash(std::string_view token);

// Constant-time equality of two strings of the same length.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace tend
