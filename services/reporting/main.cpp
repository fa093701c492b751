#include "bfu/reporting/service.hpp"

int main(int argc, char** argv) { return bfu::reporting::MakeApp().Run(argc, argv); }
