// Keys of lazified functions: a hash of what decides a body's object code
// and debug info, computed once when the lazy module is written, so that a
// run hashes nothing and an edit recompiles only the functions it changed.
//
// A key covers the body and everything it carries (local helpers, private
// constants, inlinable copies), the declarations it refers to with their
// attributes, the module's target, layout and flags, and the debug info it
// reaches. Source lines of a function's own file count from the function's
// first line: a line inserted above a function leaves its key alone, and the
// engine moves a reused object's lines to where the function now is. Names
// the compiler numbers per module (`.str.5`) do not count; private constants
// count by content.
//
// Paths under the checkout's root, when the plugin found one, count from
// the root: two checkouts of the same sources give the same keys, and the
// engine moves a reused object's paths to the checkout that runs it.
//
// Shared debug info (types, files, declarations) counts by content, without
// lines (a type's declaration line does not follow an edit above it; see
// docs/design.md), hashed once per module: its graph has cycles, so each
// strongly connected part is hashed as a whole.
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DebugProgramInstruction.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include "llvm-c/Core.h"
#include "autojit/llvm_version.h"
#include "boundary.h"

using namespace llvm;

namespace {
// The bytes a digest is made of.
class Stream {
  SmallVector<uint8_t, 256> Bytes;

public:
  Stream &u64(uint64_t V) {
    for (int I = 0; I < 8; ++I)
      Bytes.push_back(static_cast<uint8_t>(V >> (8 * I)));
    return *this;
  }
  Stream &tag(char C) {
    Bytes.push_back(static_cast<uint8_t>(C));
    return *this;
  }
  Stream &str(StringRef S) {
    u64(S.size());
    Bytes.append(S.bytes_begin(), S.bytes_end());
    return *this;
  }
  Stream &digest(XXH128_hash_t D) { return u64(D.high64).u64(D.low64); }
  XXH128_hash_t finish() const { return xxh3_128bits(Bytes); }
};

// A DI node's printed fields, without what must not count: references to
// other nodes (hashed through the graph instead), the file checksum (it
// changes with every edit of the file), and lines, which Line rewrites
// (`line:` and `scopeLine:` values).
std::string printedFields(const MDNode *N, function_ref<std::string(int64_t Line)> Line) {
  std::string Text;
  raw_string_ostream OS(Text);
  N->print(OS);
  StringRef S(OS.str());
  // Skip "<0x...> = ".
  if (size_t Eq = S.find(" = "); Eq != StringRef::npos && S.starts_with("<0x"))
    S = S.drop_front(Eq + 3);
  std::string Out;
  bool InString = false;
  while (!S.empty()) {
    char C = S.front();
    if (InString || C == '"') {
      Out += C;
      S = S.drop_front();
      if (InString && C == '\\' && !S.empty()) {
        Out += S.front();
        S = S.drop_front();
      } else {
        InString = InString ? C != '"' : true;
      }
      continue;
    }
    if (S.starts_with("<0x") || S.starts_with("<badref>")) {
      S = S.drop_front(S.find('>') + 1);
      Out += '@';
      continue;
    }
    bool AtWord = Out.empty() || Out.back() == ' ' || Out.back() == '(';
    StringRef Field;
    for (StringRef F : {"scopeLine: ", "line: ", "checksum: ", "checksumkind: "})
      if (AtWord && S.starts_with(F))
        Field = F;
    if (Field.empty()) {
      Out += C;
      S = S.drop_front();
      continue;
    }
    S = S.drop_front(Field.size());
    StringRef Value = S.take_front(S.find_first_of(",)"));
    S = S.drop_front(Value.size());
    int64_t L;
    Out += Field;
    Out += Field.starts_with("checksum") || Value.getAsInteger(10, L) ? std::string("_") : Line(L);
  }
  return Out;
}

bool isFunctionLocal(const Metadata *MD) {
  if (auto *SP = dyn_cast<DISubprogram>(MD))
    return SP->isDefinition();
  return isa<DILocation, DILocalVariable, DILabel, DILexicalBlockBase, DIAssignID>(MD) ||
         (isa<MDNode>(MD) && !isa<DINode>(MD) && !isa<DIExpression>(MD));
}

// The subprogram a function-local DI node belongs to, if any.
const DISubprogram *ownerOf(const MDNode *N) {
  if (auto *L = dyn_cast<DILocation>(N))
    return L->getScope()->getSubprogram();
  if (auto *S = dyn_cast<DILocalScope>(N))
    return S->getSubprogram();
  if (auto *V = dyn_cast<DILocalVariable>(N))
    return V->getScope()->getSubprogram();
  if (auto *L = dyn_cast<DILabel>(N))
    return L->getScope()->getSubprogram();
  return nullptr;
}

const DIFile *fileOf(const MDNode *N) {
  if (auto *L = dyn_cast<DILocation>(N))
    return L->getScope()->getFile();
  if (auto *S = dyn_cast<DIScope>(N))
    return S->getFile();
  if (auto *V = dyn_cast<DIVariable>(N))
    return V->getFile();
  if (auto *L = dyn_cast<DILabel>(N))
    return L->getFile();
  return nullptr;
}

// What a path under the checkout's root counts as.
constexpr StringLiteral RootMark = "<source-root>";

class KeyBuilder {
  Module &M;
  // The checkout's root; empty outside a checkout.
  std::string Root;
  XXH128_hash_t Env;
  DenseMap<Type *, XXH128_hash_t> Types;
  DenseMap<const Constant *, XXH128_hash_t> Constants;
  DenseMap<void *, XXH128_hash_t> AttributeLists;
  // Shared debug info: each node's own fields, and its digest with all it
  // reaches.
  DenseMap<const MDNode *, XXH128_hash_t> OwnFields;
  DenseMap<const MDNode *, XXH128_hash_t> Shared;
  // Carried globals and functions, each hashed on its own.
  DenseMap<const GlobalValue *, XXH128_hash_t> Contents;
  SmallPtrSet<const GlobalValue *, 8> InProgress;

public:
  KeyBuilder(Module &M, StringRef Root) : M(M), Root(Root) { Env = environment(); }

  // The key of the lazified body Root.
  XXH128_hash_t key(Function &Root) {
    const DISubprogram *RootSP = Root.getSubprogram();
    Stream S;
    S.str("autojit-function-key-v1").digest(Env);
    SmallVector<GlobalValue *, 16> Work{&Root};
    SmallPtrSet<GlobalValue *, 16> Members{&Root};
    while (!Work.empty()) {
      GlobalValue *GV = Work.pop_back_val();
      S.digest(content(*GV));
      // A carried function's place relative to Root: where both moved
      // together, the engine moves Root's lines, and the copy's with them.
      if (auto *F = dyn_cast<Function>(GV))
        if (const DISubprogram *SP = F->getSubprogram(); SP && F != &Root)
          S.u64(RootSP && SP->getFile() == RootSP->getFile() ? SP->getLine() - RootSP->getLine()
                                                             : SP->getLine());
      forEachCarried(*GV, [&](GlobalValue *Next) {
        if (Members.insert(Next).second)
          Work.push_back(Next);
      });
    }
    return S.finish();
  }

private:
  static bool isCarried(const GlobalValue *GV) {
    return GV->hasLocalLinkage() || (GV->hasAvailableExternallyLinkage() && isa<Function>(GV));
  }

  // The globals GV's code or initializer refers to that extraction carries
  // with it (as runtime/engine/cpp/extract_body.cpp does).
  void forEachCarried(GlobalValue &GV, function_ref<void(GlobalValue *)> Found) {
    SmallPtrSet<const Constant *, 32> Seen;
    std::function<void(Value *)> Visit = [&](Value *V) {
      if (auto *G = dyn_cast<GlobalValue>(V)) {
        if (isCarried(G))
          Found(G);
        return;
      }
      if (auto *C = dyn_cast<Constant>(V))
        if (Seen.insert(C).second)
          for (Value *Op : C->operands())
            Visit(Op);
    };
    if (auto *F = dyn_cast<Function>(&GV)) {
      for (BasicBlock &BB : *F)
        for (Instruction &I : BB)
          for (Value *Op : I.operands())
            Visit(Op);
    } else if (auto *Var = dyn_cast<GlobalVariable>(&GV); Var && Var->hasInitializer()) {
      Visit(Var->getInitializer());
    }
  }

  XXH128_hash_t environment() {
    Stream S;
    S.str(autojit::targetTriple(M)).str(M.getDataLayoutStr());
    SmallVector<Module::ModuleFlagEntry, 8> Flags;
    M.getModuleFlagsMetadata(Flags);
    for (const Module::ModuleFlagEntry &Flag : Flags) {
      S.u64(Flag.Behavior).str(Flag.Key->getString());
      S.digest(genericMetadata(Flag.Val));
    }
    return S.finish();
  }

  // S, or S from the checkout's root if it is a path under it.
  std::string fromRoot(StringRef S) const {
    if (Root.empty() || !S.starts_with(Root))
      return S.str();
    StringRef Rest = S.drop_front(Root.size());
    if (!Rest.empty() && Rest.front() != '/')
      return S.str();
    return (RootMark + Rest).str();
  }

  // A node's printed fields, its quoted paths under the root from there.
  std::string fieldsFromRoot(const MDNode *N, function_ref<std::string(int64_t)> Line) const {
    std::string Text = printedFields(N, Line);
    if (Root.empty())
      return Text;
    std::string Out;
    StringRef Rest(Text);
    // Printed as LLVM prints strings: bytes other than printable ASCII
    // escaped.
    std::string Quoted = "\"";
    raw_string_ostream QuotedOS(Quoted);
    printEscapedString(Root, QuotedOS);
    QuotedOS.flush();
    while (true) {
      size_t At = Rest.find(Quoted);
      if (At == StringRef::npos)
        break;
      StringRef After = Rest.drop_front(At + Quoted.size());
      bool Whole = !After.empty() && (After.front() == '/' || After.front() == '"');
      Out += Rest.take_front(At + 1);
      Out += Whole ? StringRef(RootMark) : StringRef(Quoted).drop_front();
      Rest = After;
    }
    return Out + Rest.str();
  }

  // Small metadata outside debug info (module flags): by structure.
  XXH128_hash_t genericMetadata(const Metadata *MD) {
    Stream S;
    if (!MD)
      S.tag('z');
    else if (auto *Str = dyn_cast<MDString>(MD))
      S.tag('s').str(fromRoot(Str->getString()));
    else if (auto *C = dyn_cast<ConstantAsMetadata>(MD))
      S.tag('c').digest(constant(C->getValue()));
    else if (auto *N = dyn_cast<MDNode>(MD); N && !isa<DINode>(N)) {
      S.tag('n').u64(N->getNumOperands());
      for (const MDOperand &Op : N->operands())
        if (Op.get() != N)
          S.digest(genericMetadata(Op.get()));
    } else {
      std::string Text;
      raw_string_ostream OS(Text);
      MD->print(OS);
      S.tag('p').str(OS.str());
    }
    return S.finish();
  }

  XXH128_hash_t type(Type *T) {
    if (auto It = Types.find(T); It != Types.end())
      return It->second;
    Stream S;
    S.u64(T->getTypeID());
    if (auto *I = dyn_cast<IntegerType>(T))
      S.u64(I->getBitWidth());
    else if (auto *P = dyn_cast<PointerType>(T))
      S.u64(P->getAddressSpace());
    else if (auto *A = dyn_cast<ArrayType>(T))
      S.u64(A->getNumElements());
    else if (auto *V = dyn_cast<VectorType>(T))
      S.u64(V->getElementCount().getKnownMinValue()).u64(V->getElementCount().isScalable());
    else if (auto *St = dyn_cast<StructType>(T)) {
      S.u64(St->isPacked()).u64(St->isOpaque());
      if (St->isOpaque())
        S.str(St->getName());
    } else if (auto *F = dyn_cast<FunctionType>(T))
      S.u64(F->isVarArg());
    else if (auto *X = dyn_cast<TargetExtType>(T)) {
      S.str(X->getName());
      for (unsigned I : X->int_params())
        S.u64(I);
    }
    for (Type *Sub : T->subtypes())
      S.digest(type(Sub));
    return Types[T] = S.finish();
  }

  XXH128_hash_t attributes(AttributeList A) {
    if (auto It = AttributeLists.find(A.getRawPointer()); It != AttributeLists.end())
      return It->second;
    Stream S;
    for (unsigned I : A.indexes()) {
      S.u64(I).str(A.getAsString(I));
      // A type attribute prints its type's name only; what is copied or
      // passed (byval, sret) is decided by the type's layout.
      for (Attribute Attr : A.getAttributes(I))
        if (Attr.isTypeAttribute())
          S.digest(type(Attr.getValueAsType()));
    }
    return AttributeLists[A.getRawPointer()] = S.finish();
  }

  // A reference to a global: by name, with what decides how it is reached;
  // a private one (a name the compiler numbered) by its content.
  XXH128_hash_t globalReference(const GlobalValue &GV) {
    Stream S;
    if (GV.hasPrivateLinkage() && isa<GlobalVariable>(GV))
      return S.tag('P').digest(content(GV)).finish();
    S.tag('G').str(GV.getName()).u64(GV.getLinkage()).u64(GV.getVisibility());
    S.u64(GV.isDSOLocal()).u64(GV.getThreadLocalMode()).u64(GV.getAddressSpace());
    S.digest(type(GV.getValueType()));
    if (auto *F = dyn_cast<Function>(&GV))
      S.u64(F->getCallingConv()).digest(attributes(F->getAttributes()));
    if (auto *V = dyn_cast<GlobalVariable>(&GV))
      S.u64(V->isConstant()).u64(V->getAlign().valueOrOne().value());
    return S.finish();
  }

  XXH128_hash_t constant(const Constant *C) {
    if (auto It = Constants.find(C); It != Constants.end())
      return It->second;
    Stream S;
    S.u64(C->getValueID()).digest(type(C->getType()));
    if (auto *GV = dyn_cast<GlobalValue>(C)) {
      S.digest(globalReference(*GV));
    } else if (auto *I = dyn_cast<ConstantInt>(C)) {
      const APInt &V = I->getValue();
      for (unsigned W = 0; W < V.getNumWords(); ++W)
        S.u64(V.getRawData()[W]);
    } else if (auto *F = dyn_cast<ConstantFP>(C)) {
      APInt V = F->getValueAPF().bitcastToAPInt();
      for (unsigned W = 0; W < V.getNumWords(); ++W)
        S.u64(V.getRawData()[W]);
    } else if (auto *D = dyn_cast<ConstantDataSequential>(C)) {
      S.str(D->getRawDataValues());
    } else if (auto *B = dyn_cast<BlockAddress>(C)) {
      S.digest(globalReference(*B->getFunction()));
      unsigned Index = 0;
      for (const BasicBlock &BB : *B->getFunction()) {
        if (&BB == B->getBasicBlock())
          break;
        ++Index;
      }
      S.u64(Index);
    } else if (isa<ConstantAggregate, ConstantExpr, DSOLocalEquivalent, NoCFIValue, ConstantPtrAuth>(C)) {
      if (auto *E = dyn_cast<ConstantExpr>(C))
        S.u64(E->getOpcode()).u64(E->getRawSubclassOptionalData());
      if (auto *G = dyn_cast<GEPOperator>(C)) {
        S.digest(type(G->getSourceElementType()));
        if (auto R = G->getInRange())
          for (const APInt *V : {&R->getLower(), &R->getUpper()})
            S.u64(V->getBitWidth()).u64(V->getLimitedValue());
      }
      for (const Use &Op : C->operands())
        S.digest(constant(cast<Constant>(Op.get())));
    } else if (!isa<ConstantPointerNull, ConstantAggregateZero, UndefValue, ConstantTokenNone,
                    ConstantTargetNone>(C)) {
      // Anything newer: as printed, which shows all of it.
      std::string Text;
      raw_string_ostream OS(Text);
      C->print(OS);
      S.str(OS.str());
    }
    return Constants[C] = S.finish();
  }

  // What a carried or lazified global is, its lines counted from its own
  // first line.
  XXH128_hash_t content(const GlobalValue &GV) {
    if (auto It = Contents.find(&GV); It != Contents.end())
      return It->second;
    if (!InProgress.insert(&GV).second)
      // A private constant that refers to itself: its place in the cycle.
      return Stream().tag('C').str(GV.getName()).finish();
    Stream S;
    S.u64(GV.getValueID()).u64(GV.getLinkage()).u64(GV.getVisibility());
    S.u64(static_cast<uint64_t>(GV.getUnnamedAddr())).u64(GV.getDLLStorageClass());
    S.u64(GV.isDSOLocal()).u64(GV.getThreadLocalMode()).u64(GV.getAddressSpace());
    if (!GV.hasPrivateLinkage())
      S.str(GV.getName());
    if (auto *GO = dyn_cast<GlobalObject>(&GV)) {
      S.str(GO->getSection()).u64(autojit::alignment(*GO).valueOrOne().value());
      S.str(GO->getComdat() ? GO->getComdat()->getName() : "");
    }
    S.digest(type(GV.getValueType()));
    if (auto *F = dyn_cast<Function>(&GV))
      FunctionHasher(*this, const_cast<Function &>(*F), S).run();
    else if (auto *V = dyn_cast<GlobalVariable>(&GV)) {
      S.u64(V->isConstant()).u64(V->isExternallyInitialized());
      S.str(V->getAttributes().getAsString());
      if (V->hasInitializer())
        S.digest(constant(V->getInitializer()));
      SmallVector<std::pair<unsigned, MDNode *>, 2> MDs;
      V->getAllMetadata(MDs);
      for (auto [Kind, N] : MDs)
        S.u64(Kind).digest(sharedDigest(N));
    }
    InProgress.erase(&GV);
    return Contents[&GV] = S.finish();
  }

  // One function's code and its function-local debug info.
  class FunctionHasher {
    KeyBuilder &K;
    Function &F;
    Stream &S;
    const DISubprogram *SP;
    DenseMap<const Value *, unsigned> Locals;
    DenseMap<const Metadata *, unsigned> LocalMD;
    SmallVector<StringRef, 32> KindNames;

  public:
    FunctionHasher(KeyBuilder &K, Function &F, Stream &S)
        : K(K), F(F), S(S), SP(F.getSubprogram()) {
      F.getContext().getMDKindNames(KindNames);
    }

    void run() {
      S.u64(F.getCallingConv()).digest(K.attributes(F.getAttributes()));
      S.str(F.hasGC() ? F.getGC() : "");
      for (const Constant *C : {F.hasPersonalityFn() ? F.getPersonalityFn() : nullptr,
                                F.hasPrefixData() ? F.getPrefixData() : nullptr,
                                F.hasPrologueData() ? F.getPrologueData() : nullptr})
        S.digest(C ? K.constant(C) : XXH128_hash_t{0, 0});
      SmallVector<std::pair<unsigned, MDNode *>, 4> MDs;
      F.getAllMetadata(MDs);
      for (auto [Kind, N] : MDs)
      {
        S.str(KindNames[Kind]);
        metadata(N);
      }
      for (Argument &A : F.args())
        Locals[&A] = Locals.size();
      for (BasicBlock &BB : F) {
        Locals[&BB] = Locals.size();
        for (Instruction &I : BB)
          Locals[&I] = Locals.size();
      }
      for (BasicBlock &BB : F) {
        S.tag('B').u64(BB.size()).u64(BB.hasAddressTaken());
        for (Instruction &I : BB)
          instruction(I);
      }
    }

  private:
    void value(const Value *V) {
      if (auto It = Locals.find(V); It != Locals.end()) {
        S.tag('l').u64(It->second);
      } else if (auto *C = dyn_cast<Constant>(V)) {
        S.tag('k').digest(K.constant(C));
      } else if (auto *A = dyn_cast<InlineAsm>(V)) {
        S.tag('a').str(A->getAsmString()).str(A->getConstraintString());
        S.u64(A->hasSideEffects()).u64(A->isAlignStack()).u64(A->getDialect()).u64(A->canThrow());
        S.digest(K.type(A->getFunctionType()));
      } else if (auto *MV = dyn_cast<MetadataAsValue>(V)) {
        S.tag('m');
        metadata(MV->getMetadata());
      } else {
        // A value of another function: impossible in valid IR; still count it.
        std::string Text;
        raw_string_ostream OS(Text);
        V->print(OS);
        S.tag('?').str(OS.str());
      }
    }

    void instruction(const Instruction &I) {
      S.tag('I').u64(I.getOpcode()).digest(K.type(I.getType()));
      S.u64(I.getRawSubclassOptionalData()).u64(I.getNumOperands());
      for (const Use &Op : I.operands())
        value(Op.get());
      fields(I);
      if (const DebugLoc &DL = I.getDebugLoc())
        metadata(DL.get());
      SmallVector<std::pair<unsigned, MDNode *>, 4> MDs;
      I.getAllMetadataOtherThanDebugLoc(MDs);
      for (auto [Kind, N] : MDs) {
        // Where inline asm came from, for diagnostics only: a file offset.
        if (KindNames[Kind] == "srcloc")
          continue;
        S.str(KindNames[Kind]);
        metadata(N);
      }
      for (const DbgRecord &R : I.getDbgRecordRange())
        record(R);
    }

    // What an instruction holds beside its operands.
    void fields(const Instruction &I) {
      if (auto *A = dyn_cast<AllocaInst>(&I)) {
        S.digest(K.type(A->getAllocatedType())).u64(A->getAlign().value());
        S.u64(A->isUsedWithInAlloca()).u64(A->isSwiftError());
      } else if (auto *L = dyn_cast<LoadInst>(&I)) {
        S.u64(L->getAlign().value()).u64(L->isVolatile()).u64(static_cast<uint64_t>(L->getOrdering()));
        S.u64(L->getSyncScopeID());
      } else if (auto *St = dyn_cast<StoreInst>(&I)) {
        S.u64(St->getAlign().value()).u64(St->isVolatile()).u64(static_cast<uint64_t>(St->getOrdering()));
        S.u64(St->getSyncScopeID());
      } else if (auto *Fe = dyn_cast<FenceInst>(&I)) {
        S.u64(static_cast<uint64_t>(Fe->getOrdering())).u64(Fe->getSyncScopeID());
      } else if (auto *X = dyn_cast<AtomicCmpXchgInst>(&I)) {
        S.u64(X->getAlign().value()).u64(X->isVolatile()).u64(X->isWeak());
        S.u64(static_cast<uint64_t>(X->getSuccessOrdering()));
        S.u64(static_cast<uint64_t>(X->getFailureOrdering())).u64(X->getSyncScopeID());
      } else if (auto *R = dyn_cast<AtomicRMWInst>(&I)) {
        S.u64(R->getOperation()).u64(R->getAlign().value()).u64(R->isVolatile());
        S.u64(static_cast<uint64_t>(R->getOrdering())).u64(R->getSyncScopeID());
      } else if (auto *G = dyn_cast<GetElementPtrInst>(&I)) {
        S.digest(K.type(G->getSourceElementType()));
      } else if (auto *C = dyn_cast<CmpInst>(&I)) {
        S.u64(C->getPredicate());
      } else if (auto *Call = dyn_cast<CallBase>(&I)) {
        S.digest(K.type(Call->getFunctionType())).u64(Call->getCallingConv());
        S.digest(K.attributes(Call->getAttributes()));
        if (auto *CI = dyn_cast<CallInst>(Call))
          S.u64(CI->getTailCallKind());
        for (unsigned B = 0; B < Call->getNumOperandBundles(); ++B) {
          OperandBundleUse U = Call->getOperandBundleAt(B);
          S.str(U.getTagName()).u64(U.Inputs.size());
        }
      } else if (auto *P = dyn_cast<PHINode>(&I)) {
        for (const BasicBlock *BB : P->blocks())
          value(BB);
      } else if (auto *LP = dyn_cast<LandingPadInst>(&I)) {
        S.u64(LP->isCleanup());
        for (unsigned C = 0; C < LP->getNumClauses(); ++C)
          S.u64(LP->isCatch(C));
      } else if (auto *SV = dyn_cast<ShuffleVectorInst>(&I)) {
        for (int E : SV->getShuffleMask())
          S.u64(static_cast<uint64_t>(E));
      } else if (auto *EV = dyn_cast<ExtractValueInst>(&I)) {
        for (unsigned E : EV->indices())
          S.u64(E);
      } else if (auto *IV = dyn_cast<InsertValueInst>(&I)) {
        for (unsigned E : IV->indices())
          S.u64(E);
      } else if (isa<VAArgInst, CastInst, BinaryOperator, UnaryOperator, SelectInst, ReturnInst,
                     BranchInst, SwitchInst, IndirectBrInst, ResumeInst, UnreachableInst,
                     ExtractElementInst, InsertElementInst, FreezeInst, CatchSwitchInst,
                     CatchReturnInst, CleanupReturnInst, FuncletPadInst>(&I)) {
        // Opcode, type, flags and operands say it all.
      } else {
        // An instruction this file does not know: as printed.
        std::string Text;
        raw_string_ostream OS(Text);
        I.print(OS);
        S.str(OS.str());
      }
    }

    void record(const DbgRecord &R) {
      S.tag('R').u64(R.getRecordKind());
      if (auto *V = dyn_cast<DbgVariableRecord>(&R)) {
        S.u64(static_cast<uint64_t>(V->getType()));
        metadata(V->getRawVariable());
        metadata(V->getRawExpression());
        metadata(V->getRawLocation());
        if (V->isDbgAssign()) {
          metadata(V->getRawAssignID());
          metadata(V->getRawAddress());
          metadata(V->getRawAddressExpression());
        }
      } else if (auto *L = dyn_cast<DbgLabelRecord>(&R)) {
        metadata(L->getRawLabel());
      }
      metadata(R.getDebugLoc().get());
    }

    // A line of node N: from the first line of N's subprogram if N is in
    // that subprogram's file.
    int64_t relativeLine(const MDNode *N, int64_t Line) {
      const DISubprogram *Owner = ownerOf(N);
      if (!Owner || Line == 0 || fileOf(N) != Owner->getFile())
        return Line;
      return Line - static_cast<int64_t>(Owner->getLine());
    }

    void ownerPlace(const MDNode *N) {
      // Nodes of a subprogram other than F's: where that one is, from F's.
      const DISubprogram *Owner = ownerOf(N);
      if (!Owner || Owner == SP)
        return;
      bool SameFile = SP && Owner->getFile() == SP->getFile();
      S.tag('o').u64(SameFile ? Owner->getLine() - SP->getLine() : Owner->getLine());
    }

    void metadata(const Metadata *MD) {
      if (!MD) {
        S.tag('z');
      } else if (auto *Str = dyn_cast<MDString>(MD)) {
        S.tag('s').str(K.fromRoot(Str->getString()));
      } else if (auto *VM = dyn_cast<ValueAsMetadata>(MD)) {
        S.tag('v');
        value(VM->getValue());
      } else if (auto *AL = dyn_cast<DIArgList>(MD)) {
        S.tag('A').u64(AL->getArgs().size());
        for (const ValueAsMetadata *A : AL->getArgs())
          value(A->getValue());
      } else if (auto *E = dyn_cast<DIExpression>(MD)) {
        S.tag('E');
        for (uint64_t Op : E->getElements())
          S.u64(Op);
      } else if (auto *N = dyn_cast<MDNode>(MD); N && isFunctionLocal(N)) {
        localNode(N);
      } else if (auto *N = dyn_cast<MDNode>(MD)) {
        S.tag('S').digest(K.sharedDigest(N));
      } else {
        std::string Text;
        raw_string_ostream OS(Text);
        MD->print(OS);
        S.tag('p').str(OS.str());
      }
    }

    void localNode(const MDNode *N) {
      if (auto It = LocalMD.find(N); It != LocalMD.end()) {
        S.tag('r').u64(It->second);
        return;
      }
      LocalMD[N] = LocalMD.size();
      ownerPlace(N);
      if (auto *L = dyn_cast<DILocation>(N)) {
        S.tag('L').u64(relativeLine(N, L->getLine())).u64(L->getColumn()).u64(L->isImplicitCode());
        metadata(L->getScope());
        metadata(L->getInlinedAt());
        return;
      }
      S.tag('N').u64(N->isDistinct()).u64(N->getMetadataID());
      if (isa<DINode>(N))
        S.str(K.fieldsFromRoot(N, [&](int64_t Line) { return std::to_string(relativeLine(N, Line)); }));
      S.u64(N->getNumOperands());
      for (const MDOperand &Op : N->operands())
        metadata(Op.get());
    }
  };

  // Shared debug info: a node's fields and all it reaches, lines left out.
  // Cycles (a class whose member points back at it) are hashed per strongly
  // connected part, found with Tarjan's algorithm.
  XXH128_hash_t ownFields(const MDNode *N) {
    if (auto It = OwnFields.find(N); It != OwnFields.end())
      return It->second;
    Stream S;
    S.u64(N->getMetadataID()).u64(N->isDistinct());
    if (isa<DINode>(N))
      S.str(fieldsFromRoot(N, [](int64_t) { return std::string("_"); }));
    // A file by its name alone: its checksum changes with every edit.
    if (auto *F = dyn_cast<DIFile>(N)) {
      S.str(fromRoot(F->getFilename()))
          .str(fromRoot(F->getDirectory()))
          .str(F->getSource().value_or(""));
      return OwnFields[N] = S.finish();
    }
    for (const MDOperand &Op : N->operands()) {
      const Metadata *MD = Op.get();
      if (!MD)
        S.tag('z');
      else if (auto *Str = dyn_cast<MDString>(MD))
        S.tag('s').str(fromRoot(Str->getString()));
      else if (auto *C = dyn_cast<ConstantAsMetadata>(MD))
        S.tag('c').digest(constant(C->getValue()));
      else if (auto *E = dyn_cast<DIExpression>(MD)) {
        S.tag('E');
        for (uint64_t Op : E->getElements())
          S.u64(Op);
      } else
        S.tag('n');
    }
    return OwnFields[N] = S.finish();
  }

  // The shared nodes N's operands lead to; function-local nodes reached
  // from shared ones (the subprogram a local type is scoped to) count by
  // their own fields only.
  static void sharedOperands(const MDNode *N, SmallVectorImpl<const MDNode *> &Out) {
    for (const MDOperand &Op : N->operands())
      if (auto *Next = dyn_cast_or_null<MDNode>(Op.get()); Next && !isa<DIExpression>(Next))
        Out.push_back(Next);
  }

  XXH128_hash_t sharedDigest(const MDNode *Root) {
    if (auto It = Shared.find(Root); It != Shared.end())
      return It->second;
    struct Frame {
      const MDNode *N;
      SmallVector<const MDNode *, 8> Ops;
      unsigned Next = 0;
    };
    DenseMap<const MDNode *, unsigned> Index, Low;
    SmallVector<const MDNode *, 32> Stack;
    SmallPtrSet<const MDNode *, 32> OnStack;
    SmallVector<Frame, 32> Calls;
    auto Enter = [&](const MDNode *N) {
      unsigned Next = Index.size();
      Index[N] = Next;
      Low[N] = Next;
      Stack.push_back(N);
      OnStack.insert(N);
      Frame F{N, {}, 0};
      // A local node reached from shared debug info ends the walk there.
      if (!isFunctionLocal(N))
        sharedOperands(N, F.Ops);
      Calls.push_back(std::move(F));
    };
    Enter(Root);
    while (!Calls.empty()) {
      Frame &F = Calls.back();
      if (F.Next < F.Ops.size()) {
        const MDNode *Op = F.Ops[F.Next++];
        if (Shared.count(Op))
          continue;
        if (!Index.count(Op)) {
          Enter(Op);
        } else if (OnStack.count(Op)) {
          Low[F.N] = std::min(Low[F.N], Index[Op]);
        }
        continue;
      }
      const MDNode *N = F.N;
      Calls.pop_back();
      if (!Calls.empty())
        Low[Calls.back().N] = std::min(Low[Calls.back().N], Low[N]);
      if (Low[N] != Index[N])
        continue;
      SmallVector<const MDNode *, 8> Part;
      const MDNode *M;
      do {
        M = Stack.pop_back_val();
        OnStack.erase(M);
        Part.push_back(M);
      } while (M != N);
      finishPart(Part);
    }
    return Shared[Root];
  }

  // Digests of one strongly connected part, whose successors are done.
  void finishPart(ArrayRef<const MDNode *> Part) {
    SmallPtrSet<const MDNode *, 8> InPart(Part.begin(), Part.end());
    auto Label = [&](const MDNode *N) {
      Stream S;
      S.digest(ownFields(N));
      SmallVector<const MDNode *, 8> Ops;
      if (!isFunctionLocal(N))
        sharedOperands(N, Ops);
      for (const MDNode *Op : Ops)
        S.digest(InPart.count(Op) ? ownFields(Op) : Shared[Op]);
      return S.finish();
    };
    if (Part.size() == 1) {
      Shared[Part[0]] = Label(Part[0]);
      return;
    }
    // Members of a cycle: each by its own label and the part's, which is
    // the sorted labels of all members (no member comes first).
    SmallVector<XXH128_hash_t, 8> Labels;
    for (const MDNode *N : Part)
      Labels.push_back(Label(N));
    SmallVector<XXH128_hash_t, 8> Sorted(Labels);
    llvm::sort(Sorted, [](XXH128_hash_t A, XXH128_hash_t B) {
      return std::tie(A.high64, A.low64) < std::tie(B.high64, B.low64);
    });
    Stream Whole;
    for (XXH128_hash_t L : Sorted)
      Whole.digest(L);
    XXH128_hash_t PartDigest = Whole.finish();
    for (size_t I = 0; I < Part.size(); ++I)
      Shared[Part[I]] = Stream().digest(Labels[I]).digest(PartDigest).finish();
  }
};
} // namespace

// Fills Keys (two words per body, high half first) and Lines (the first
// line of each body's subprogram, 0 without debug info) for the Count bodies
// named by BodyNames, paths under SourceRoot (if not empty) counted from it.
// Returns false if a body is missing.
extern "C" bool autojit_function_keys(LLVMModuleRef LazyModule, const char *SourceRoot,
                                      size_t SourceRootLen, const char *const *BodyNames,
                                      size_t Count, uint64_t *Keys, uint32_t *Lines) {
  Module &M = *unwrap(LazyModule);
  KeyBuilder Builder(M, StringRef(SourceRoot, SourceRootLen));
  for (size_t I = 0; I < Count; ++I) {
    Function *Body = M.getFunction(BodyNames[I]);
    if (!Body || Body->isDeclaration())
      return false;
    XXH128_hash_t Key = Builder.key(*Body);
    Keys[2 * I] = Key.high64;
    Keys[2 * I + 1] = Key.low64;
    const DISubprogram *SP = Body->getSubprogram();
    Lines[I] = SP ? SP->getLine() : 0;
  }
  return true;
}
