// tablet: the tablet server binary (cluster/tablet/README.md).
#include "cluster/tablet/tablet_program.h"

int main(int argc, char** argv) { return kv::tablet::TabletMain(argc, argv); }
