#include "bfu/casework/service.hpp"

int main(int argc, char** argv) { return bfu::casework::MakeApp().Run(argc, argv); }
