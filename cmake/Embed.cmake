# tend_embed(<target> <symbol> FILES <f>...)
#
# Adds a generated source to <target> that defines
#   const tend::EmbeddedFile* <symbol>_files(); size_t <symbol>_count();
# holding each file's bytes (paths relative to the current source dir).
# Used for SQL migrations, the OpenAPI document and the web UI bundle, so the
# tend binary carries everything it needs.
function(tend_embed target symbol)
  cmake_parse_arguments(ARG "" "BASE" "FILES" ${ARGN})
  if(NOT ARG_BASE)
    set(ARG_BASE ${CMAKE_CURRENT_SOURCE_DIR})
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embed_${symbol}.cpp)
  set(abs_files)
  foreach(f ${ARG_FILES})
    if(IS_ABSOLUTE ${f})
      list(APPEND abs_files ${f})
    else()
      list(APPEND abs_files ${CMAKE_CURRENT_SOURCE_DIR}/${f})
    endif()
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} -DBASE=${ARG_BASE}
            "-DFILES=${abs_files}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${abs_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
