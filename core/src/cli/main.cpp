// The meetlat command: a thin entry point over the engine library (house style, point 1).
#include "cli.h"

int main(int argc, char** argv) {
  return meetlat::cli::run(argc, argv);
}
