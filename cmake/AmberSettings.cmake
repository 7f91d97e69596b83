# amber_settings: the compile settings every Amber target links (warnings, sanitizers, includes
# from the repository root as STYLE.md asks).
add_library(amber_settings INTERFACE)
target_include_directories(amber_settings INTERFACE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
target_compile_options(amber_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations
  $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond -Wlogical-op>
  -Werror=return-type -Werror=unused-result)

if(AMBER_SANITIZE)
  target_compile_options(amber_settings INTERFACE -fsanitize=${AMBER_SANITIZE} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(amber_settings INTERFACE -fsanitize=${AMBER_SANITIZE})
endif()

# Generated code and third-party headers are not ours to warn about.
function(amber_quiet_generated target)
  target_compile_options(${target} PRIVATE -w)
endfunction()
