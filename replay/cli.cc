#include "replay/cli.h"

#include <iostream>

namespace amber::replay {

namespace po = boost::program_options;

int ParseArgs(const std::vector<std::string>& args, const po::options_description& visible,
              const po::options_description& hidden,
              const po::positional_options_description& positional, po::variables_map* vm) {
  po::options_description all;
  all.add(visible).add(hidden);
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), *vm);
    po::notify(*vm);
  } catch (const po::error& e) {
    return UsageError(visible, e.what());
  }
  if (vm->count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  return -1;
}

int UsageError(const po::options_description& visible, const std::string& message) {
  std::cerr << "amber-replay: " << message << "\n\n" << visible << "\n";
  return 2;
}

}  // namespace amber::replay
