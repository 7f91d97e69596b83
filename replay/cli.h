// Argument parsing shared by the amber-replay subcommands: Boost.Program_options, with its
// exceptions converted here, --help handled, and usage errors exiting 2.
#ifndef AMBER_REPLAY_CLI_H_
#define AMBER_REPLAY_CLI_H_

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace amber::replay {

// Parses args into vm. Returns -1 to go on, or the exit code to return now (0 after --help,
// 2 after a usage error, both already printed). `hidden` holds positional options.
int ParseArgs(const std::vector<std::string>& args,
              const boost::program_options::options_description& visible,
              const boost::program_options::options_description& hidden,
              const boost::program_options::positional_options_description& positional,
              boost::program_options::variables_map* vm);

// Prints "amber-replay: <message>" and the usage, and returns 2.
int UsageError(const boost::program_options::options_description& visible,
               const std::string& message);

}  // namespace amber::replay

#endif  // AMBER_REPLAY_CLI_H_
