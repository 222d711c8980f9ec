// Linked into a program built with -mllvm -autojit-embed, with
// -Wl,--wrap=__llvm_autojit_register: registers a copy of the module's
// descriptor whose carried module is damaged as $DAMAGE says, the way a
// damaged binary would carry it.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llvm-autojit.h"

void __real___llvm_autojit_register(const struct __llvm_autojit_module *module);

// A raw deflate stream of one stored block: it inflates, to other bytes.
static const uint8_t other_module[] = {0x01, 5, 0, 0xfa, 0xff, 'o', 't', 'h', 'e', 'r'};
static uint8_t garbage[64];

void __wrap___llvm_autojit_register(const struct __llvm_autojit_module *module) {
  static struct __llvm_autojit_module copy;
  const char *damage = getenv("DAMAGE");
  copy = *module;
  if (damage && strcmp(damage, "garbage") == 0) {
    memset(garbage, 0xff, sizeof garbage);
    copy.embedded_module = garbage;
    copy.embedded_module_len = sizeof garbage;
  } else if (damage && strcmp(damage, "truncated") == 0) {
    copy.embedded_module_len /= 2;
  } else if (damage && strcmp(damage, "other") == 0) {
    copy.embedded_module = other_module;
    copy.embedded_module_len = sizeof other_module;
  }
  __real___llvm_autojit_register(&copy);
}
