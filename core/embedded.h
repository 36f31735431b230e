// A file compiled into the binary (see cmake/Embed.cmake).
#pragma once

#include <string_view>

namespace tend {

// `path` is relative to the folder the file was embedded from; `bytes`
// points at static storage that lives as long as the program.
struct EmbeddedFile {
  const char* path;
  std::string_view bytes;
};

}  // namespace tend
