// The sanitizers' instrumentation of lazy code, as clang adds it at the end
// of its optimization pipeline: the functions carry the sanitizer's
// attribute from the front end, the passes that act on it run here. The C
// API's textual pipeline cannot set AddressSanitizer's options (use after
// scope) nor leave out the module constructors.
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Instrumentation/AddressSanitizer.h"
#include "llvm/Transforms/Instrumentation/ThreadSanitizer.h"
#include "llvm-c/Core.h"
#include "llvm-c/TargetMachine.h"
#include "boundary.h"

using namespace llvm;

static bool anyFunctionHas(const Module &M, Attribute::AttrKind Kind) {
  for (const Function &F : M)
    if (!F.isDeclaration() && F.hasFnAttribute(Kind))
      return true;
  return false;
}

// Declared and described in boundary.h.
extern "C" void autojit_instrument_for_sanitizers(LLVMModuleRef Module,
                                                 LLVMTargetMachineRef Machine) {
  llvm::Module &M = *unwrap(Module);
  bool Address = anyFunctionHas(M, Attribute::SanitizeAddress);
  bool Thread = anyFunctionHas(M, Attribute::SanitizeThread);
  if (!Address && !Thread)
    return;

  // The C API's handle is the TargetMachine itself (TargetMachineC.cpp).
  PassBuilder PB(reinterpret_cast<TargetMachine *>(Machine));
  LoopAnalysisManager LAM;
  FunctionAnalysisManager FAM;
  CGSCCAnalysisManager CGAM;
  ModuleAnalysisManager MAM;
  PB.registerModuleAnalyses(MAM);
  PB.registerCGSCCAnalyses(CGAM);
  PB.registerFunctionAnalyses(FAM);
  PB.registerLoopAnalyses(LAM);
  PB.crossRegisterProxies(LAM, FAM, CGAM, MAM);

  ModulePassManager MPM;
  if (Address) {
    // The globals lazy code defines are private copies of the program's
    // constants; the program's own globals keep their redzones. Without a
    // constructor nothing would register redzones, so none are made.
    for (GlobalVariable &GV : M.globals()) {
      if (GV.isDeclaration())
        continue;
      GlobalValue::SanitizerMetadata Meta = GV.getSanitizerMetadata();
      Meta.NoAddress = true;
      GV.setSanitizerMetadata(Meta);
    }
    // clang's defaults. The runtime was initialized by the program's own
    // constructor, so lazy code adds none.
    AddressSanitizerOptions Options;
    Options.UseAfterScope = true;
    Options.UseAfterReturn = AsanDetectStackUseAfterReturnMode::Runtime;
    // With no global to register, the ELF way of registering them would
    // still define its "registered" flag (a common symbol) for a constructor.
    MPM.addPass(AddressSanitizerPass(Options, /*UseGlobalGC=*/false,
                                     /*UseOdrIndicator=*/false,
                                     AsanDtorKind::None, AsanCtorKind::None));
  }
  if (Thread)
    // Only the function pass: the module pass adds the constructor that
    // initializes the runtime, which the program has done.
    MPM.addPass(createModuleToFunctionPassAdaptor(ThreadSanitizerPass()));
  MPM.run(M, MAM);
}
