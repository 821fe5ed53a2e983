# Installs a ccrnn build tree into a scratch prefix, then configures, builds and runs the downstream
# project in this directory against it (find_package(ccrnn) + ccrnn::ccrnn). Fails on any error.
#
#   cmake -DCCRNN_BUILD_DIR=<ccrnn build dir> -DWORK_DIR=<scratch dir, wiped first>
#         [-DBUILD_TYPE=Release] [-DCONSUMER_C_COMPILER=...] [-DCONSUMER_CXX_COMPILER=...]
#         [-DCONSUMER_GENERATOR=Ninja]
#         -P tests/consumer/run_consumer_test.cmake
cmake_minimum_required(VERSION 3.20)

foreach(_var CCRNN_BUILD_DIR WORK_DIR)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer_test.cmake: pass -D${_var}=...")
  endif()
endforeach()
if(NOT EXISTS "${CCRNN_BUILD_DIR}/CMakeCache.txt")
  message(FATAL_ERROR "run_consumer_test.cmake: ${CCRNN_BUILD_DIR} is not a configured CMake build tree")
endif()
if(NOT DEFINED BUILD_TYPE OR "${BUILD_TYPE}" STREQUAL "")
  set(BUILD_TYPE Release)
endif()

get_filename_component(_source_dir "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
get_filename_component(WORK_DIR "${WORK_DIR}" ABSOLUTE)
set(_prefix "${WORK_DIR}/prefix")
set(_build "${WORK_DIR}/build")
set(_output "${WORK_DIR}/consumer_output.h5")

# Start from scratch so a previous run can never make this one pass.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# Runs a command, echoing it; stops the script with its output when it fails.
function(run_step name)
  string(REPLACE ";" " " _pretty "${ARGN}")
  message(STATUS "[consumer test] ${name}: ${_pretty}")
  execute_process(COMMAND ${ARGN}
                  RESULT_VARIABLE _rc
                  OUTPUT_VARIABLE _out
                  ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "[consumer test] ${name} failed (exit status: ${_rc})\n"
                        "--- stdout ---\n${_out}\n--- stderr ---\n${_err}")
  endif()
  set(STEP_OUTPUT "${_out}" PARENT_SCOPE)
endfunction()

# 1. Install the library (built beforehand) into the scratch prefix.
run_step(install ${CMAKE_COMMAND} --install "${CCRNN_BUILD_DIR}" --prefix "${_prefix}" --config "${BUILD_TYPE}")
if(NOT EXISTS "${_prefix}/include/ccrnn/io/hdf5_file.hpp")
  message(FATAL_ERROR "[consumer test] the install did not provide include/ccrnn/io/hdf5_file.hpp")
endif()

# 2. Configure the consumer against the installed package only.
set(_configure_args
  -S "${_source_dir}" -B "${_build}"
  "-DCMAKE_PREFIX_PATH=${_prefix}"
  "-DCCRNN_EXPECTED_PREFIX=${_prefix}"
  "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON)
if(DEFINED CONSUMER_GENERATOR AND NOT "${CONSUMER_GENERATOR}" STREQUAL "")
  list(APPEND _configure_args -G "${CONSUMER_GENERATOR}")
endif()
if(DEFINED CONSUMER_C_COMPILER AND NOT "${CONSUMER_C_COMPILER}" STREQUAL "")
  list(APPEND _configure_args "-DCMAKE_C_COMPILER=${CONSUMER_C_COMPILER}")
endif()
if(DEFINED CONSUMER_CXX_COMPILER AND NOT "${CONSUMER_CXX_COMPILER}" STREQUAL "")
  list(APPEND _configure_args "-DCMAKE_CXX_COMPILER=${CONSUMER_CXX_COMPILER}")
endif()
run_step(configure ${CMAKE_COMMAND} ${_configure_args})

# 3. Build it.
run_step(build ${CMAKE_COMMAND} --build "${_build}" --config "${BUILD_TYPE}")

# 4. Run it (single- or multi-config generators put the executable in different places).
set(_exe "")
foreach(_candidate "${_build}/consumer" "${_build}/${BUILD_TYPE}/consumer"
                   "${_build}/consumer.exe" "${_build}/${BUILD_TYPE}/consumer.exe")
  if(EXISTS "${_candidate}")
    set(_exe "${_candidate}")
    break()
  endif()
endforeach()
if(_exe STREQUAL "")
  message(FATAL_ERROR "[consumer test] the consumer executable was not found under ${_build}")
endif()
run_step(run "${_exe}" "${_output}")
if(NOT STEP_OUTPUT MATCHES "OK")
  message(FATAL_ERROR "[consumer test] the consumer did not print OK; it printed:\n${STEP_OUTPUT}")
endif()
if(NOT EXISTS "${_output}")
  message(FATAL_ERROR "[consumer test] the consumer did not write ${_output}")
endif()
message(STATUS "[consumer test] passed: find_package(ccrnn) + ccrnn::ccrnn work from ${_prefix}")
