// What differs between the LLVM versions autojit builds against (19 and
// 22) on the C++ side, in one place: each difference is a small adapter
// here, so the C++ files that use it hold no version test of their own.
// (The Rust side's differences are in the autojit-llvm-sys crate.)
#ifndef AUTOJIT_LLVM_VERSION_H
#define AUTOJIT_LLVM_VERSION_H

#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/Shared/SimpleRemoteEPCUtils.h"
#include "llvm/ExecutionEngine/Orc/Shared/WrapperFunctionUtils.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include <string>

#if LLVM_VERSION_MAJOR != 19 && LLVM_VERSION_MAJOR != 22
#error "autojit builds against LLVM 19 or 22"
#endif

namespace autojit {

// The bytes of a wrapper function's arguments or result (LLVM 22 renamed
// WrapperFunctionResult to WrapperFunctionBuffer).
#if LLVM_VERSION_MAJOR >= 22
using WrapperFunctionBytes = llvm::orc::shared::WrapperFunctionBuffer;
#else
using WrapperFunctionBytes = llvm::orc::shared::WrapperFunctionResult;
#endif

// A received message's argument bytes, as SimpleRemoteEPC's handleMessage
// takes them.
inline auto remoteMessageArgs(const char *Bytes, size_t Len) {
#if LLVM_VERSION_MAJOR >= 22
  return WrapperFunctionBytes::copyFrom(Bytes, Len);
#else
  return llvm::orc::SimpleRemoteEPCArgBytesVector(Bytes, Bytes + Len);
#endif
}

// Adds Callback(ModulePassManager &, OptimizationLevel, bool AtLinkTime) at
// the start of simplification. AtLinkTime is whether the pipeline is an LTO
// back end's, after the link: LLVM 22 says so (a ThinLTO back end runs
// simplification again); LLVM 19 does not, and its callers treat the
// pipeline as a compile's.
template <typename Callback>
void registerEarlySimplificationCallback(llvm::PassBuilder &PB, Callback C) {
#if LLVM_VERSION_MAJOR >= 22
  PB.registerPipelineEarlySimplificationEPCallback(
      [C](llvm::ModulePassManager &MPM, llvm::OptimizationLevel Level,
          llvm::ThinOrFullLTOPhase Phase) {
        C(MPM, Level,
          Phase == llvm::ThinOrFullLTOPhase::ThinLTOPostLink ||
              Phase == llvm::ThinOrFullLTOPhase::FullLTOPostLink);
      });
#else
  PB.registerPipelineEarlySimplificationEPCallback(
      [C](llvm::ModulePassManager &MPM, llvm::OptimizationLevel Level) {
        C(MPM, Level, false);
      });
#endif
}

// The module's target triple as a string (LLVM 22 keeps a Triple).
inline std::string targetTriple(const llvm::Module &M) {
#if LLVM_VERSION_MAJOR >= 22
  return M.getTargetTriple().str();
#else
  return M.getTargetTriple();
#endif
}

// A global object's alignment, if it has one (LLVM 22 asks the function or
// variable, not the object).
inline llvm::MaybeAlign alignment(const llvm::GlobalObject &GO) {
#if LLVM_VERSION_MAJOR >= 22
  if (const auto *F = llvm::dyn_cast<llvm::Function>(&GO))
    return F->getAlign();
  if (const auto *V = llvm::dyn_cast<llvm::GlobalVariable>(&GO))
    return V->getAlign();
  return llvm::MaybeAlign();
#else
  return GO.getAlign();
#endif
}

} // namespace autojit

#endif
