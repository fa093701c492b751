#include "bfu/ingest/service.hpp"

int main(int argc, char** argv) { return bfu::ingest::MakeApp().Run(argc, argv); }
