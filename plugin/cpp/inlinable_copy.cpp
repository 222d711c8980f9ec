// Available_externally copies of small lazified functions in the lazy
// module, for the optimizer of lazy code to inline: the C API cannot clone a
// function body.
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"
#include "llvm-c/Core.h"
#include "boundary.h"

using namespace llvm;

// Gives Decl, the declaration lazy code calls the lazified function Body by,
// an available_externally copy of Body's code. Debug info is cloned with it
// (a subprogram belongs to one function), so inlined code keeps its lines.
extern "C" void autojit_make_inlinable_copy(LLVMValueRef DeclRef, LLVMValueRef BodyRef) {
  Function *Decl = unwrap<Function>(DeclRef);
  Function *Body = unwrap<Function>(BodyRef);
  ValueToValueMapTy VMap;
  auto DeclArg = Decl->arg_begin();
  for (Argument &A : Body->args()) {
    DeclArg->setName(A.getName());
    VMap[&A] = &*DeclArg++;
  }
  SmallVector<ReturnInst *, 4> Returns;
  CloneFunctionInto(Decl, Body, VMap, CloneFunctionChangeType::GlobalChanges, Returns);
  Decl->setLinkage(GlobalValue::AvailableExternallyLinkage);
  // What the clone took from the body but a copy must not have: lazy code
  // reaches the function's trampoline through the GOT or a PLT entry, as any
  // declaration, and the body alone carries the source name.
  Decl->setDSOLocal(false);
  Decl->removeFnAttr("autojit-name");
}

// Whether F's blocks have their addresses taken (computed goto): a copy
// would need label addresses of its own.
extern "C" int autojit_has_label_addresses(LLVMValueRef F) {
  for (BasicBlock &BB : *unwrap<Function>(F))
    if (BB.hasAddressTaken())
      return 1;
  return 0;
}
