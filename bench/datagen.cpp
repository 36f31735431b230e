// tend-datagen: fills a data directory with generated objects for
// benchmarks, straight through the store (one transaction per batch).
//
//   tend-datagen clients --data DIR --count 10000
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/config.h"
#include "app/system_clock.h"
#include "store/sqlite/sqlite_store.h"

namespace {

const char* kPrefixes[] = {"Bakkerij", "Garage", "Tandartspraktijk", "Advocatenkantoor", "Kapsalon", "Huisartsenpraktijk",
                           "Bloemenhandel", "Architectenbureau", "Accountantskantoor", "Fysiotherapie"};
const char* kNames[] = {"Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
                        "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit"};
const char* kCities[] = {"Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Zaandam",
                         "Haarlem", "Delft", "Leiden"};

int usage() {
  std::fprintf(stderr, "usage: tend-datagen clients --data DIR --count N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string what = argv[1];
  std::string data;
  long count = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--data") data = argv[i + 1];
    else if (flag == "--count") count = std::strtol(argv[i + 1], nullptr, 10);
    else return usage();
  }
  if (what != "clients" || data.empty() || count <= 0) return usage();

  tend::SystemClock clock;
  tend::store::SqliteStoreOptions options;
  options.connection.synchronous = "NORMAL";
  options.reader_connections = 1;
  auto store = tend::store::open_sqlite_store(data + "/tend.db", options, clock.now());
  if (!store) {
    std::fprintf(stderr, "tend-datagen: %s\n", store.error().message.c_str());
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  const long batch = 5000;
  for (long done = 0; done < count;) {
    auto tx = (*store)->write();
    if (!tx) return 1;
    for (long i = 0; i < batch && done < count; ++i, ++done) {
      tend::Client c;
      c.name = std::string(kPrefixes[done % 10]) + " " + kNames[(done / 10) % 18] + " " + std::to_string(done);
      c.reference = "GEN-" + std::to_string(done);
      c.email = "info@client" + std::to_string(done) + ".example";
      c.phone = "+31 20 " + std::to_string(1000000 + done);
      c.address = {"Dorpsstraat " + std::to_string(done % 300 + 1), "", "1000 AB", kCities[done % 10], "", "NL"};
      c.created_at = c.updated_at = clock.now();
      auto id = tx->clients().insert(c);
      if (!id) {
        std::fprintf(stderr, "tend-datagen: %s\n", id.error().message.c_str());
        return 1;
      }
      tend::Site s;
      s.client_id = *id;
      s.name = "Hoofdkantoor";
      s.address = c.address;
      s.created_at = s.updated_at = c.created_at;
      if (!tx->sites().insert(s)) return 1;
    }
    if (!tx->commit()) return 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("generated %ld clients with a site each in %.2f s\n", count, seconds);
  return 0;
}
