#include "bfu/notifier/service.hpp"

int main(int argc, char** argv) { return bfu::notifier::MakeApp().Run(argc, argv); }
