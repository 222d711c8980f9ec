// What the engine needs from LLVM that the C API has no door for:
//  - extracting one lazy body (and the helpers and constants it carries)
//    from a lazily loaded bitcode module: the C API can neither materialize
//    one function nor clone part of a module;
//  - an object linking layer whose EH-frame registrar serves every unwinder
//    in the process (libgcc's and LLVM's libunwind, used by libc++);
//  - symbol lookup in a remote process (the C API only searches this one).
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ExecutionEngine/JITLink/EHFrameSupport.h"
#include "llvm/ExecutionEngine/Orc/EPCDynamicLibrarySearchGenerator.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm-c/Orc.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"
#include "llvm-c/Core.h"
#include <cstring>
#include <dlfcn.h>

using namespace llvm;

static char *copyMessage(const std::string &S) { return strdup(S.c_str()); }

namespace {
// The transitive closure of what a body refers to that it must carry along:
// local symbols, and available_externally bodies (always-inline functions the
// program defines itself) for the inliner.
class LocalClosure {
  SmallPtrSet<const GlobalValue *, 16> Members;
  SmallVector<GlobalValue *, 16> Work;
  SmallPtrSet<const Constant *, 32> SeenConstants;

  void visit(Value *V) {
    if (auto *GV = dyn_cast<GlobalValue>(V)) {
      bool Carried = GV->hasLocalLinkage() ||
                     (GV->hasAvailableExternallyLinkage() && isa<Function>(GV));
      if (Carried && Members.insert(GV).second)
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

// Returns the new module, or null with *ErrorMessage set (free with free()).
// Only what the body carries is copied; everything else it refers to becomes
// a declaration, so the cost follows the body, not the module.
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

  auto Extracted = std::make_unique<Module>(M.getModuleIdentifier(), M.getContext());
  Extracted->setSourceFileName(M.getSourceFileName());
  Extracted->setDataLayout(M.getDataLayout());
  Extracted->setTargetTriple(M.getTargetTriple());
  SmallVector<Module::ModuleFlagEntry, 8> Flags;
  M.getModuleFlagsMetadata(Flags);
  for (const Module::ModuleFlagEntry &Flag : Flags)
    Extracted->addModuleFlag(Flag.Behavior, Flag.Key->getString(), Flag.Val);

  // Prototypes first, in the lazy module's order, so that names and the
  // printed module (the cache key) do not depend on traversal order.
  ValueToValueMapTy VMap;
  DeclarationMaterializer Declarations(*Extracted);
  SmallVector<std::pair<GlobalVariable *, GlobalVariable *>, 8> Variables;
  SmallVector<std::pair<Function *, Function *>, 8> Functions;
  for (GlobalVariable &G : M.globals()) {
    if (!Closure.contains(&G))
      continue;
    auto *NG = new GlobalVariable(*Extracted, G.getValueType(), G.isConstant(),
                                  G.getLinkage(), nullptr, G.getName(), nullptr,
                                  G.getThreadLocalMode(), G.getAddressSpace());
    NG->copyAttributesFrom(&G);
    VMap[&G] = NG;
    Variables.push_back({&G, NG});
  }
  for (Function &F : M) {
    if (!Closure.contains(&F))
      continue;
    Function *NF = Function::Create(F.getFunctionType(), F.getLinkage(),
                                    F.getAddressSpace(), F.getName(), Extracted.get());
    NF->copyAttributesFrom(&F);
    VMap[&F] = NF;
    Functions.push_back({&F, NF});
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

// The integer value of module flag Key, or -1 if absent.
extern "C" int autojit_module_flag_int(LLVMModuleRef M, const char *Key) {
  auto *C = mdconst::extract_or_null<ConstantInt>(unwrap(M)->getModuleFlag(Key));
  return C ? static_cast<int>(C->getZExtValue()) : -1;
}

namespace {
// ORC's in-process registrar passes a whole .eh_frame section to
// __register_frame, which is libgcc's contract. In a libc++ program that
// symbol may bind to LLVM's libunwind, which takes single FDEs, and the
// exceptions of lazy code then cannot unwind. Register the section with each
// unwinder present, through the entry point meant for whole sections.
class EveryUnwinderEHFrameRegistrar final : public jitlink::EHFrameRegistrar {
  using FrameFn = void (*)(const void *);
  FrameFn GccRegister = nullptr, GccDeregister = nullptr;
  FrameFn UnwindAdd = nullptr, UnwindRemove = nullptr;

public:
  EveryUnwinderEHFrameRegistrar() {
    if (void *Gcc = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD)) {
      GccRegister = reinterpret_cast<FrameFn>(dlsym(Gcc, "__register_frame"));
      GccDeregister =
          reinterpret_cast<FrameFn>(dlsym(Gcc, "__deregister_frame"));
    }
    UnwindAdd = reinterpret_cast<FrameFn>(
        dlsym(RTLD_DEFAULT, "__unw_add_dynamic_eh_frame_section"));
    UnwindRemove = reinterpret_cast<FrameFn>(
        dlsym(RTLD_DEFAULT, "__unw_remove_dynamic_eh_frame_section"));
  }

  Error registerEHFrames(orc::ExecutorAddrRange Section) override {
    const void *Start = Section.Start.toPtr<const void *>();
    if (!GccRegister && !UnwindAdd)
      return make_error<StringError>("no unwinder to register EH frames with",
                                     inconvertibleErrorCode());
    if (GccRegister)
      GccRegister(Start);
    if (UnwindAdd)
      UnwindAdd(Start);
    return Error::success();
  }

  Error deregisterEHFrames(orc::ExecutorAddrRange Section) override {
    const void *Start = Section.Start.toPtr<const void *>();
    if (GccDeregister)
      GccDeregister(Start);
    if (UnwindRemove)
      UnwindRemove(Start);
    return Error::success();
  }
};
} // namespace

// An LLVMOrcLLJITBuilderObjectLinkingLayerCreatorFunction: JITLink's
// ObjectLinkingLayer with the registrar above.
extern "C" LLVMOrcObjectLayerRef
autojit_create_object_linking_layer(void *, LLVMOrcExecutionSessionRef ES,
                                    const char *) {
  auto &Session = *reinterpret_cast<orc::ExecutionSession *>(ES);
  auto Layer = std::make_unique<orc::ObjectLinkingLayer>(Session);
  Layer->addPlugin(std::make_unique<orc::EHFrameRegistrationPlugin>(
      Session, std::make_unique<EveryUnwinderEHFrameRegistrar>()));
  orc::ObjectLayer *Base = Layer.release();
  return reinterpret_cast<LLVMOrcObjectLayerRef>(Base);
}

// Lets JITDylib JD resolve what lazy code refers to in the process behind a
// remote session, in its dynamic linker's order: the global scope, then the
// library behind dylib-manager handle Library (0: none, the executable).
extern "C" LLVMErrorRef autojit_add_remote_scope(LLVMOrcExecutionSessionRef ES,
                                                 LLVMOrcJITDylibRef JD,
                                                 uint64_t Library) {
  auto &Session = *reinterpret_cast<orc::ExecutionSession *>(ES);
  auto &Dylib = *reinterpret_cast<orc::JITDylib *>(JD);
  auto Process = orc::EPCDynamicLibrarySearchGenerator::GetForTargetProcess(Session);
  if (!Process)
    return wrap(Process.takeError());
  Dylib.addGenerator(std::move(*Process));
  if (Library)
    Dylib.addGenerator(std::make_unique<orc::EPCDynamicLibrarySearchGenerator>(
        Session, orc::ExecutorAddr(Library)));
  return LLVMErrorSuccess;
}
