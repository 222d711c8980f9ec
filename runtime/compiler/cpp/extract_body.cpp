// Extracting lazy bodies, with the local helpers and constants they carry,
// from a lazily loaded bitcode module, and listing what a body calls: the C
// API can neither materialize one function nor clone part of a module.
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"
#include "llvm-c/Core.h"
#include "boundary.h"

using namespace llvm;

// Messages for Rust's take_message, which frees them with LLVMDisposeMessage.
static char *copyMessage(const std::string &S) { return LLVMCreateMessage(S.c_str()); }

namespace {
// The transitive closure of what bodies refer to that they must carry along:
// local symbols, and available_externally bodies (always-inline functions the
// program defines itself, and copies of small lazified functions above -O0)
// for the inliner; code compiled without optimization (first-tier code)
// carries only the always-inline ones, the only ones its inliner inlines.
// It also collects the functions the carried code refers to
// that it does not compile (declarations, available_externally copies), in
// first-reference order.
class LocalClosure {
  bool InlinableCopies;
  SetVector<GlobalValue *> Members;
  SmallVector<GlobalValue *, 16> Work;
  SmallPtrSet<const Constant *, 32> SeenConstants;
  SetVector<Function *> Declarations;

  void visit(Value *V) {
    if (auto *GV = dyn_cast<GlobalValue>(V)) {
      auto *Copy = dyn_cast<Function>(GV);
      bool Carried = GV->hasLocalLinkage() ||
                     (Copy && Copy->hasAvailableExternallyLinkage() &&
                      (InlinableCopies || Copy->hasFnAttribute(Attribute::AlwaysInline)));
      if (Carried && Members.insert(GV))
        Work.push_back(GV);
      // A lazified function is called by a declaration, or by an inlinable
      // available_externally copy above -O0.
      if (auto *F = dyn_cast<Function>(GV);
          F && (F->isDeclaration() || F->hasAvailableExternallyLinkage()))
        Declarations.insert(F);
      return;
    }
    if (auto *C = dyn_cast<Constant>(V))
      if (SeenConstants.insert(C).second)
        for (Value *Op : C->operands())
          visit(Op);
  }

public:
  explicit LocalClosure(bool InlinableCopies) : InlinableCopies(InlinableCopies) {}

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

  // In the order they were reached: the bodies asked for, then what they
  // carry.
  ArrayRef<GlobalValue *> members() const { return Members.getArrayRef(); }
  ArrayRef<Function *> declarations() const { return Declarations.getArrayRef(); }
};
} // namespace

namespace {
// Declares, in the extracted module, each global value the carried code
// refers to but does not carry, on first reference.
class DeclarationMaterializer final : public ValueMaterializer {
  Module &Dest;

public:
  explicit DeclarationMaterializer(Module &Dest) : Dest(Dest) {}

  Value *materialize(Value *V) override {
    auto *GV = dyn_cast<GlobalValue>(V);
    if (!GV)
      return nullptr;
    auto Linkage = GV->hasExternalWeakLinkage() ? GlobalValue::ExternalWeakLinkage
                                                : GlobalValue::ExternalLinkage;
    if (auto *F = dyn_cast<Function>(GV)) {
      Function *Decl = Function::Create(F->getFunctionType(), Linkage,
                                        F->getAddressSpace(), F->getName(), &Dest);
      Decl->setCallingConv(F->getCallingConv());
      Decl->setAttributes(F->getAttributes());
      return Decl;
    }
    if (auto *Var = dyn_cast<GlobalVariable>(GV)) {
      auto *Decl = new GlobalVariable(Dest, Var->getValueType(), Var->isConstant(),
                                      Linkage, nullptr, Var->getName(), nullptr,
                                      Var->getThreadLocalMode(),
                                      Var->getAddressSpace());
      Decl->setAlignment(Var->getAlign());
      return Decl;
    }
    return nullptr;
  }
};
} // namespace

// Shares the debug info of the carried functions instead of copying it. The
// extracted module lives in the lazy module's context, and copies of every
// subprogram, scope and location (and of everything that reaches them) would
// pile up in that long-lived context, whose uniquing tables would then
// dominate the cost of each extraction.
static void
shareDebugInfo(Module &M,
               ArrayRef<std::pair<Function *, Function *>> Functions,
               ValueToValueMapTy &VMap) {
  DebugInfoFinder Finder;
  for (auto [F, NF] : Functions) {
    if (DISubprogram *SP = F->getSubprogram())
      Finder.processSubprogram(SP);
    for (Instruction &I : instructions(*F)) {
      Finder.processInstruction(M, I);
      for (DbgRecord &R : I.getDbgRecordRange())
        Finder.processDbgRecord(M, R);
    }
  }
  for (DICompileUnit *CU : Finder.compile_units())
    VMap.MD()[CU].reset(CU);
  for (DISubprogram *SP : Finder.subprograms())
    VMap.MD()[SP].reset(SP);
  for (DIType *T : Finder.types())
    VMap.MD()[T].reset(T);
  for (DIScope *S : Finder.scopes())
    VMap.MD()[S].reset(S);
}

// Declared and described in boundary.h. Only what the bodies carry is
// copied, once however many of them use it; everything else they refer to
// becomes a declaration, so the cost follows the bodies, not the module.
extern "C" LLVMModuleRef autojit_extract_functions(LLVMModuleRef LazyModule,
                                                   const char *const *BodyNames,
                                                   size_t Count, bool InlinableCopies,
                                                   char **ErrorMessage) {
  Module &M = *unwrap(LazyModule);
  LocalClosure Closure(InlinableCopies);
  for (size_t I = 0; I < Count; ++I) {
    Function *Body = M.getFunction(BodyNames[I]);
    if (!Body || Body->isDeclaration()) {
      *ErrorMessage = copyMessage("the lazy module has no body for it");
      return nullptr;
    }
    if (Error E = Closure.add(Body)) {
      *ErrorMessage = copyMessage(toString(std::move(E)));
      return nullptr;
    }
  }

  auto Extracted = std::make_unique<Module>(M.getModuleIdentifier(), M.getContext());
  Extracted->setSourceFileName(M.getSourceFileName());
  Extracted->setDataLayout(M.getDataLayout());
  Extracted->setTargetTriple(M.getTargetTriple());
  SmallVector<Module::ModuleFlagEntry, 8> Flags;
  M.getModuleFlagsMetadata(Flags);
  for (const Module::ModuleFlagEntry &Flag : Flags)
    Extracted->addModuleFlag(Flag.Behavior, Flag.Key->getString(), Flag.Val);

  // Prototypes first, variables before functions, each in the order the
  // closure reached them: walking the lazy module's own lists instead would
  // cost as much as the module has symbols, for every batch.
  ValueToValueMapTy VMap;
  DeclarationMaterializer Declarations(*Extracted);
  SmallVector<std::pair<GlobalVariable *, GlobalVariable *>, 8> Variables;
  SmallVector<std::pair<Function *, Function *>, 8> Functions;
  for (GlobalValue *GV : Closure.members()) {
    auto *G = dyn_cast<GlobalVariable>(GV);
    if (!G)
      continue;
    auto *NG = new GlobalVariable(*Extracted, G->getValueType(), G->isConstant(),
                                  G->getLinkage(), nullptr, G->getName(), nullptr,
                                  G->getThreadLocalMode(), G->getAddressSpace());
    NG->copyAttributesFrom(G);
    VMap[G] = NG;
    Variables.push_back({G, NG});
  }
  for (GlobalValue *GV : Closure.members()) {
    auto *F = dyn_cast<Function>(GV);
    if (!F)
      continue;
    Function *NF = Function::Create(F->getFunctionType(), F->getLinkage(),
                                    F->getAddressSpace(), F->getName(), Extracted.get());
    NF->copyAttributesFrom(F);
    VMap[F] = NF;
    Functions.push_back({F, NF});
  }
  shareDebugInfo(M, Functions, VMap);
  for (auto [F, NF] : Functions) {
    auto NewArg = NF->arg_begin();
    for (Argument &A : F->args()) {
      NewArg->setName(A.getName());
      VMap[&A] = &*NewArg++;
    }
    SmallVector<ReturnInst *, 8> Returns;
    CloneFunctionInto(NF, F, VMap, CloneFunctionChangeType::DifferentModule,
                      Returns, "", nullptr, nullptr, &Declarations);
  }
  // Initializers last: a label table's blockaddresses can only be mapped
  // once the blocks they name have been cloned.
  for (auto [G, NG] : Variables)
    if (G->hasInitializer())
      NG->setInitializer(MapValue(G->getInitializer(), VMap, RF_None, nullptr, &Declarations));
  return wrap(Extracted.release());
}

// Declared and described in boundary.h.
extern "C" bool autojit_referenced_declarations(
    LLVMModuleRef LazyModule, const char *BodyName,
    void (*Found)(void *Context, const char *Name, size_t Length), void *Context,
    char **ErrorMessage) {
  Function *Body = unwrap(LazyModule)->getFunction(BodyName);
  if (!Body || Body->isDeclaration()) {
    *ErrorMessage = copyMessage("the lazy module has no body for it");
    return false;
  }
  // What optimized code would reach, through inlinable copies too.
  LocalClosure Closure(/*InlinableCopies=*/true);
  if (Error E = Closure.add(Body)) {
    *ErrorMessage = copyMessage(toString(std::move(E)));
    return false;
  }
  for (Function *F : Closure.declarations())
    Found(Context, F->getName().data(), F->getName().size());
  return true;
}

// Declared and described in boundary.h.
extern "C" int autojit_module_flag_int(LLVMModuleRef M, const char *Key) {
  auto *C = mdconst::extract_or_null<ConstantInt>(unwrap(M)->getModuleFlag(Key));
  return C ? static_cast<int>(C->getZExtValue()) : -1;
}
