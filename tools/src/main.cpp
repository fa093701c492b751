#include <iostream>

#include "bfu/cli/cli.hpp"

int main(int argc, char** argv) {
    return bfu::cli::Run(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
}
