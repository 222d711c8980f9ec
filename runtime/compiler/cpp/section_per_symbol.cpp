// Code generation with a section per function and per global, as clang's
// -ffunction-sections -fdata-sections: the C API's target machine options
// have no door for it.
#include "llvm/Target/TargetMachine.h"
#include "llvm-c/TargetMachine.h"
#include "boundary.h"

using namespace llvm;

// Declared and described in boundary.h.
extern "C" void autojit_use_section_per_symbol(LLVMTargetMachineRef Machine) {
  // The C API's handle is the TargetMachine itself (TargetMachineC.cpp).
  TargetMachine *TM = reinterpret_cast<TargetMachine *>(Machine);
  TM->Options.FunctionSections = true;
  TM->Options.DataSections = true;
}
