// An ORC executor made of the static stub, for LLVM's own tools:
//   llvm-jitlink -oop-executor=<this program> <objects>
// runs it as `<this program> filedescs=<in>,<out>`.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/llvm-autojit.h"

int main(int argc, char **argv) {
  int in = -1, out = -1;
  char tail;
  if (argc != 2 ||
      sscanf(argv[1], "filedescs=%d,%d%c", &in, &out, &tail) != 2 ||
      in < 0 || out < 0) {
    fprintf(stderr, "[autojit-stub] usage: %s filedescs=<in fd>,<out fd>\n",
            argv[0]);
    return 1;
  }
  return autojit_stub_serve_fds(in, out);
}
