// Registers the autojit pass with LLVM's new pass manager: at pipeline start
// for clang -fpass-plugin= at every -O level (or right after, for a module
// clang's coverage passes instrument); where LTO back ends start for a
// linker's --load-pass-plugin= (lld), which is how Rust programs reach it;
// and as "autojit" for opt and "autojit-lto" for lld's --lto-newpm-passes=.
// The pass itself is Rust (autojit_outline_module); this file only holds what
// LLVM's C API has no door for.
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/Comdat.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/IR/PassInstrumentation.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Transforms/IPO/ElimAvailExtern.h"
#include "llvm/Transforms/IPO/GlobalDCE.h"
#include "llvm-c/Comdat.h"
#include "llvm-c/Core.h"
#include "autojit/llvm_version.h"
#include "boundary.h"

using namespace llvm;

static cl::opt<bool> AutoJITDebug(
    "autojit-debug",
    cl::desc("autojit: log decisions and write .ll files of each module"),
    cl::init(false));

static cl::opt<bool> AutoJITEmbed(
    "autojit-embed",
    cl::desc("autojit: put each lazy module in its object, not in the store"),
    cl::init(false));

// The module the autojit pass last changed on this thread, until the pass
// runs on the next: clang compiles a module per pipeline and runs the pass
// at the start of each, and LTO back ends run one module per thread.
// (PassInstrumentation hands passes their IR as llvm::Any, whose type
// identity a plugin does not share with libLLVM, so the module cannot be
// taken from there.)
static thread_local Module *OutlinedModule = nullptr;

// The module the pass left, at the start of the pipeline, for its run after
// clang's coverage passes (gcov's and the lowering of source-based
// coverage's counters, which clang adds at the start of the pipeline after
// the plugin's pass): lazy code then counts into the program's counters.
static thread_local Module *DeferredModule = nullptr;

namespace {
enum class Stage {
  // At the start of the pipeline: may leave the module for AfterCoverage.
  PipelineStart,
  // Early in simplification, right after the start: only a deferred module.
  AfterCoverage,
  // Named in a pipeline (opt -passes=autojit): now, whatever the module.
  Named,
  // At the start of an LTO back end's pipeline, after the link: a module
  // merged for full LTO is outlined as one.
  LinkTime,
};

struct AutoJITPass : PassInfoMixin<AutoJITPass> {
  unsigned OptLevel;
  Stage When;
  AutoJITPass(unsigned OptLevel, Stage When) : OptLevel(OptLevel), When(When) {}

  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    if (When == Stage::AfterCoverage) {
      if (DeferredModule != &M)
        return PreservedAnalyses::all();
      DeferredModule = nullptr;
    }
    char *Error = nullptr;
    int Result = autojit_outline_module(
        wrap(&M), OptLevel, When == Stage::PipelineStart,
        When == Stage::LinkTime, AutoJITDebug, AutoJITEmbed, &Error);
    OutlinedModule = Result == 1 ? &M : nullptr;
    if (Result == 2)
      DeferredModule = &M;
    if (Result < 0) {
      M.getContext().emitError(Twine("autojit-plugin: ") + Error);
      autojit_free_error(Error);
      return PreservedAnalyses::all();
    }
    return Result == 1 ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};
} // namespace

// Instrumentation passes that run after the autojit pass and leave no trace
// in the IR it sees (the others are recognized there, and their modules left
// regular), with the flag that adds each. Lazified bodies would miss them,
// so a module the pass changed is refused rather than built half checked.
static const char *lateInstrumentationFlag(StringRef PassID) {
  static const std::pair<const char *, const char *> Passes[] = {
      {"PGOInstrumentationGen", "-fprofile-generate"},
      {"InstrProfilingLoweringPass", "-fprofile-generate"},
      {"SanitizerCoveragePass", "-fsanitize-coverage or -fsanitize=fuzzer"},
      {"DataFlowSanitizerPass", "-fsanitize=dataflow"},
      {"GCOVProfilerPass", "--coverage"},
      {"HWAddressSanitizerPass", "-fsanitize=hwaddress"},
      {"MemorySanitizerPass", "-fsanitize=memory"},
      {"ModuleMemProfilerPass", "-fmemory-profile"},
  };
  for (const auto &[Name, Flag] : Passes)
    if (PassID == Name)
      return Flag;
  return nullptr;
}

// Profile-reading passes that run after the autojit pass. They annotate
// bodies, and a lazified body is gone by then: its code is optimized
// without the profile, which is slower but correct, so the build goes on
// with a warning. Clang's own profile format (-fprofile-instr-use) is read
// by the front end, before the pass, and reaches lazy code.
static const char *lateProfileFlag(StringRef PassID) {
  if (PassID == "PGOInstrumentationUse")
    return "-fprofile-use (a profile made by -fprofile-generate)";
  if (PassID == "SampleProfileLoaderPass")
    return "-fprofile-sample-use";
  return nullptr;
}

namespace {
// A warning clang prints as "warning: <message> [-Wbackend-plugin]".
class PluginWarning : public DiagnosticInfo {
  const Twine &Message;

public:
  explicit PluginWarning(const Twine &Message)
      : DiagnosticInfo(Kind, DS_Warning), Message(Message) {}
  void print(DiagnosticPrinter &DP) const override { DP << Message; }
  static const int Kind;
};
const int PluginWarning::Kind = getNextAvailablePluginDiagnosticKind();
} // namespace

static void refuseLateInstrumentation(PassInstrumentationCallbacks &PIC) {
  PIC.registerBeforeNonSkippedPassCallback([](StringRef PassID, Any) {
    if (!OutlinedModule)
      return;
    Module &M = *OutlinedModule;
    if (const char *Flag = lateProfileFlag(PassID)) {
      M.getContext().diagnose(PluginWarning(
          Twine("autojit-plugin: ") + M.getSourceFileName() + ": the profile given to " +
              Flag +
              " reaches only the functions that are not lazy; for lazy code "
              "too, profile with -fprofile-instr-generate and build with "
              "-fprofile-instr-use"));
      return;
    }
    const char *Flag = lateInstrumentationFlag(PassID);
    if (!Flag)
      return;
    // One error per module, though several of its passes would refuse it.
    OutlinedModule = nullptr;
    M.getContext().emitError(
        Twine("autojit-plugin: ") + M.getSourceFileName() + " is built with " +
        Flag +
        ", whose instrumentation lazy code does not get yet; build this file "
        "without the autojit plugin or without " +
        Flag);
  });
}

// LLVM's plugin loader calls this, which llvmGetPassPluginInfo (Rust) names,
// with its PassBuilder.
extern "C" void autojit_register_pass_builder_callbacks(void *Builder) {
  PassBuilder &PB = *static_cast<PassBuilder *>(Builder);
  if (PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks())
    refuseLateInstrumentation(*PIC);
  PB.registerPipelineStartEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel Level) {
        MPM.addPass(AutoJITPass(Level.getSpeedupLevel(), Stage::PipelineStart));
      });
  autojit::registerEarlySimplificationCallback(
      PB, [](ModulePassManager &MPM, OptimizationLevel Level, bool AtLinkTime) {
        MPM.addPass(AutoJITPass(Level.getSpeedupLevel(),
                                AtLinkTime ? Stage::LinkTime
                                           : Stage::AfterCoverage));
      });
  PB.registerFullLinkTimeOptimizationEarlyEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel Level) {
        MPM.addPass(AutoJITPass(Level.getSpeedupLevel(), Stage::LinkTime));
      });
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM,
         ArrayRef<PassBuilder::PipelineElement>) {
        // The spelling of the case study's plugin is accepted too.
        if (Name == "autojit" || Name == "AutoJIT") {
          MPM.addPass(AutoJITPass(0, Stage::Named));
          return true;
        }
        // A ThinLTO back end at -O0 runs a fixed pipeline with no extension
        // point, so lld is given this one instead (--lto-newpm-passes=): the
        // -O0 back end's own passes, with the outlining between them, after
        // the imported copies of other modules' bodies are dropped.
        if (Name == "autojit-lto") {
          MPM.addPass(EliminateAvailableExternallyPass());
          MPM.addPass(AutoJITPass(0, Stage::LinkTime));
          MPM.addPass(GlobalDCEPass());
          return true;
        }
        return false;
      });
}

// Function::deleteBody: the C API can delete a whole function but not empty
// one while keeping its identity (uses, attributes, comdat, section).
extern "C" void autojit_delete_function_body(LLVMValueRef F) {
  unwrap<Function>(F)->deleteBody();
}

// dso_local has no C API accessor. Lazy code lives far from the program, so
// every symbol it does not define must be reached through the GOT or a PLT.
extern "C" void autojit_set_dso_local(LLVMValueRef GV, int Local) {
  unwrap<GlobalValue>(GV)->setDSOLocal(Local);
}

// The C API erases global variables, functions and ifuncs, but not aliases.
extern "C" void autojit_erase_global_value(LLVMValueRef GV) {
  unwrap<GlobalValue>(GV)->eraseFromParent();
}

// The static module keeps the compile unit's enums, retained types, global
// variables and imported entities, so the debugger has them from the program
// itself. Dropping them from the lazy module keeps every extracted function
// (and its cache key and object) from carrying all of them again.
extern "C" void autojit_slim_lazy_debug_info(LLVMModuleRef LazyModule) {
  Module &M = *unwrap(LazyModule);
  for (DICompileUnit *CU : M.debug_compile_units()) {
    CU->replaceEnumTypes(nullptr);
    CU->replaceRetainedTypes(nullptr);
    CU->replaceGlobalVariables(nullptr);
    CU->replaceImportedEntities(nullptr);
  }
  for (GlobalVariable &GV : M.globals())
    if (GV.isDeclaration())
      GV.eraseMetadata(LLVMContext::MD_dbg);
}

// The C API can get and set a function's COMDAT but not read its name, which a
// trampoline's record needs to join the function's section group.
extern "C" const char *autojit_comdat_name(LLVMComdatRef C) {
  return unwrap(C)->getName().data();
}

// Replaces every use of the function Old by New except in its label
// addresses (blockaddress), which must keep naming the body their blocks are
// in. The C API can only replace every use.
extern "C" void autojit_replace_uses_except_label_addresses(LLVMValueRef Old,
                                                            LLVMValueRef New) {
  unwrap(Old)->replaceUsesWithIf(
      unwrap(New), [](Use &U) { return !isa<BlockAddress>(U.getUser()); });
}

// dso_local has no C API getter either; an alias's declaration keeps it.
extern "C" int autojit_is_dso_local(LLVMValueRef GV) {
  return unwrap<GlobalValue>(GV)->isDSOLocal();
}

// The declaration that stands for an alias of From is called as From is:
// same calling convention (a call with another one is undefined) and, if
// the types match, the same attributes. The C API copies neither wholesale.
extern "C" void autojit_copy_call_attributes(LLVMValueRef To,
                                            LLVMValueRef From) {
  Function *T = unwrap<Function>(To);
  Function *F = unwrap<Function>(From);
  T->setCallingConv(F->getCallingConv());
  if (T->getFunctionType() == F->getFunctionType())
    T->setAttributes(F->getAttributes());
}
