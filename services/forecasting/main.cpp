#include "bfu/forecasting/service.hpp"

int main(int argc, char** argv) { return bfu::forecasting::MakeApp().Run(argc, argv); }
