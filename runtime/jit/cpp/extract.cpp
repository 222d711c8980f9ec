// Extracts one lazy body, and the local helpers and constants it uses, from a
// lazily loaded bitcode module into a module of its own. Only what is
// extracted is ever read from the bitcode. The C API can neither materialize
// one function of a lazy module nor clone part of a module.
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm-c/Core.h"
#include <cstring>

using namespace llvm;

static char *copyMessage(const std::string &S) { return strdup(S.c_str()); }

namespace {
// The transitive closure of local symbols a body refers to.
class LocalClosure {
  SmallPtrSet<const GlobalValue *, 16> Members;
  SmallVector<GlobalValue *, 16> Work;
  SmallPtrSet<const Constant *, 32> SeenConstants;

  void visit(Value *V) {
    if (auto *GV = dyn_cast<GlobalValue>(V)) {
      if (GV->hasLocalLinkage() && Members.insert(GV).second)
        Work.push_back(GV);
      return;
    }
    if (auto *C = dyn_cast<Constant>(V))
      if (SeenConstants.insert(C).second)
        for (Value *Op : C->operands())
          visit(Op);
  }

public:
  Error add(Function *Root) {
    Members.insert(Root);
    Work.push_back(Root);
    while (!Work.empty()) {
      GlobalValue *GV = Work.pop_back_val();
      if (auto *F = dyn_cast<Function>(GV)) {
        if (Error E = F->materialize())
          return E;
        for (BasicBlock &BB : *F)
          for (Instruction &I : BB)
            for (Value *Op : I.operands())
              visit(Op);
      } else if (auto *Var = dyn_cast<GlobalVariable>(GV)) {
        if (Var->hasInitializer())
          visit(Var->getInitializer());
      }
    }
    return Error::success();
  }

  bool contains(const GlobalValue *GV) const { return Members.count(GV); }
};
} // namespace

// Returns the new module, or null with *ErrorMessage set (free with free()).
extern "C" LLVMModuleRef autojit_extract_function(LLVMModuleRef LazyModule,
                                                  const char *BodyName,
                                                  char **ErrorMessage) {
  Module &M = *unwrap(LazyModule);
  Function *Body = M.getFunction(BodyName);
  if (!Body || Body->isDeclaration()) {
    *ErrorMessage = copyMessage("the lazy module has no body for it");
    return nullptr;
  }
  LocalClosure Closure;
  if (Error E = Closure.add(Body)) {
    *ErrorMessage = copyMessage(toString(std::move(E)));
    return nullptr;
  }
  ValueToValueMapTy VMap;
  std::unique_ptr<Module> Extracted = CloneModule(
      M, VMap, [&](const GlobalValue *GV) { return Closure.contains(GV); });
  // Declarations of everything else the module defines are dead weight for
  // code generation and for the cache key.
  SmallVector<GlobalValue *, 64> Unused;
  for (GlobalValue &GV : Extracted->global_values())
    if (GV.isDeclaration() && GV.use_empty())
      Unused.push_back(&GV);
  for (GlobalValue *GV : Unused)
    GV->eraseFromParent();
  return wrap(Extracted.release());
}

// The integer value of module flag Key, or -1 if absent.
extern "C" int autojit_module_flag_int(LLVMModuleRef M, const char *Key) {
  auto *C = mdconst::extract_or_null<ConstantInt>(unwrap(M)->getModuleFlag(Key));
  return C ? static_cast<int>(C->getZExtValue()) : -1;
}
