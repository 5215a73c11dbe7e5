// bufconf: the conformance suite and reference model of the buffer protocol (PEP 3118).
#include "conformance/cli/bufconf_main.h"

int main(int argc, char** argv) { return bufconf::cli::Main(argc, argv); }
