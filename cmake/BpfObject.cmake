# BPF build helpers, after libbpf-bootstrap's FindBpfObject.cmake.
#
#   amber_vmlinux_h(<out_var>)          vmlinux.h for the running kernel, in the build tree
#   amber_bpf_object(<name> <src.bpf.c>) compiles <name>.bpf.o and generates <name>.skel.h, and
#                                       defines the INTERFACE target <name>_skel that adds the
#                                       skeleton's directory to the include path.
#
# AMBER_VMLINUX_H pins a checked-in vmlinux.h for reproducible builds; by default it is dumped from
# /sys/kernel/btf/vmlinux at build time. CO-RE relocations make the objects run on other kernels.
find_program(AMBER_BPF_CLANG NAMES clang clang-16 clang-15 clang-14 REQUIRED)
find_program(AMBER_BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET GLOBAL libbpf>=1.0)
set(AMBER_VMLINUX_H "" CACHE FILEPATH "A pinned vmlinux.h; empty = dump the running kernel's BTF")

execute_process(COMMAND uname -m OUTPUT_VARIABLE AMBER_UNAME_M OUTPUT_STRIP_TRAILING_WHITESPACE)
if(AMBER_UNAME_M STREQUAL "x86_64")
  set(AMBER_BPF_ARCH x86)
elseif(AMBER_UNAME_M STREQUAL "aarch64")
  set(AMBER_BPF_ARCH arm64)
else()
  message(FATAL_ERROR "amber-record: unsupported architecture ${AMBER_UNAME_M}")
endif()

function(amber_vmlinux_h out_var)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/vmlinux)
  set(out ${dir}/vmlinux.h)
  if(AMBER_VMLINUX_H)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND ${CMAKE_COMMAND} -E copy ${AMBER_VMLINUX_H} ${out}
      DEPENDS ${AMBER_VMLINUX_H} VERBATIM)
  else()
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
      COMMAND sh -c "${AMBER_BPFTOOL} btf dump file /sys/kernel/btf/vmlinux format c > ${out}.tmp && mv ${out}.tmp ${out}"
      VERBATIM)
  endif()
  # One target owns the file: a custom command's output shared by several targets would be run by
  # each of them, concurrently under -j (two writers of vmlinux.h, a build that fails now and then).
  add_custom_target(amber_vmlinux_gen DEPENDS ${out})
  set(${out_var} ${out} PARENT_SCOPE)
endfunction()

# amber_bpf_object(NAME <name> SOURCE <file.bpf.c> VMLINUX <vmlinux.h> [DEPENDS <headers...>])
function(amber_bpf_object)
  cmake_parse_arguments(B "" "NAME;SOURCE;VMLINUX" "DEPENDS" ${ARGN})
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${B_NAME}.bpf.o)
  set(skel ${CMAKE_CURRENT_BINARY_DIR}/${B_NAME}.skel.h)
  get_filename_component(vmlinux_dir ${B_VMLINUX} DIRECTORY)
  add_custom_command(OUTPUT ${obj}
    COMMAND ${AMBER_BPF_CLANG} -target bpf -g -O2 -Wall -Werror -D__TARGET_ARCH_${AMBER_BPF_ARCH}
            -I${vmlinux_dir} -I${PROJECT_SOURCE_DIR} -I${LIBBPF_INCLUDEDIR}
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${B_SOURCE} -o ${obj}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${B_SOURCE} ${B_VMLINUX} ${B_DEPENDS}
    COMMENT "BPF ${B_SOURCE}" VERBATIM)
  add_custom_command(OUTPUT ${skel}
    COMMAND sh -c "${AMBER_BPFTOOL} gen skeleton ${obj} name ${B_NAME}_bpf > ${skel}.tmp && mv ${skel}.tmp ${skel}"
    DEPENDS ${obj} COMMENT "skeleton ${B_NAME}.skel.h" VERBATIM)
  add_custom_target(${B_NAME}_skel_gen DEPENDS ${skel})
  add_dependencies(${B_NAME}_skel_gen amber_vmlinux_gen)
  add_library(${B_NAME}_skel INTERFACE)
  add_dependencies(${B_NAME}_skel ${B_NAME}_skel_gen)
  target_include_directories(${B_NAME}_skel INTERFACE ${CMAKE_CURRENT_BINARY_DIR})
  target_link_libraries(${B_NAME}_skel INTERFACE PkgConfig::LIBBPF)
endfunction()
