#include "bfu/analysis/service.hpp"

int main(int argc, char** argv) { return bfu::analysis::MakeApp().Run(argc, argv); }
