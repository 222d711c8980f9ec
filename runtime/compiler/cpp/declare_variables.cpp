// First-tier code's variables, described as a -O0 build describes them, which
// the C API has no door for. An optimized build's IR tracks each variable's
// assignments (records linked to the stores into its stack slot) so that the
// optimizer can keep its locations right as it moves and deletes stores;
// code generation then places them with an analysis of every function, and
// the locations it finds cost the rest of code generation as much again:
// together, about two fifths of compiling unoptimized code (SQLite's lazy
// module through llc -O0: 1.8 s with them, 1.0 s without). First-tier code
// is not optimized: each variable stays in its stack slot for its whole
// scope, which one declaration at the slot says.
#include "llvm/ADT/MapVector.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DebugProgramInstruction.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "boundary.h"

#include <optional>

using namespace llvm;

namespace {
// The stack slot that holds a variable (of one inlined instance: a
// `DebugVariableAggregate`, whole, without a fragment).
struct Home {
  AllocaInst *Slot;
  // Where the declaration's location comes from: its first assignment.
  const DILocation *Location;
};
using Homes = MapVector<DebugVariableAggregate, Home>;
// What one function declares.
struct FunctionHomes {
  Function *F;
  Homes Variables;
};
} // namespace

// The stack slot of each variable whose assignments `F` tracks, or nothing if
// one of them is not a whole slot (an assignment whose store was deleted, a
// slot holding part of a variable, a variable in two slots): such a module
// keeps its tracking.
static std::optional<Homes> homes(Function &F) {
  const DataLayout &DL = F.getDataLayout();
  Homes Variables;
  for (Instruction &I : instructions(F)) {
    // Debug intrinsics instead of records: left as they are.
    if (isa<DbgAssignIntrinsic>(I))
      return std::nullopt;
    for (DbgVariableRecord &R : filterDbgVars(I.getDbgRecordRange())) {
      if (!R.isDbgAssign())
        continue;
      // A store into a member of a struct names the member's address.
      Value *Address = R.getAddress();
      auto *Slot = dyn_cast_or_null<AllocaInst>(
          Address ? Address->stripInBoundsConstantOffsets() : nullptr);
      if (!Slot || R.getAddressExpression()->getNumElements() != 0)
        return std::nullopt;
      if (R.getExpression()->getFragmentInfo()) {
        std::optional<uint64_t> Whole = R.getVariable()->getSizeInBits();
        std::optional<TypeSize> SlotBits = Slot->getAllocationSizeInBits(DL);
        if (!Whole || !SlotBits || SlotBits->isScalable() ||
            SlotBits->getFixedValue() < *Whole)
          return std::nullopt;
      }
      const DILocation *Location = R.getDebugLoc().get();
      if (!Location)
        return std::nullopt;
      DebugVariableAggregate V(
          DebugVariable(R.getVariable(), std::nullopt, Location->getInlinedAt()));
      auto [It, New] = Variables.insert({V, Home{Slot, Location}});
      if (!New && It->second.Slot != Slot)
        return std::nullopt;
    }
  }
  return Variables;
}

// Sets the module's flag that says its assignments are tracked to false. The
// flags are made again: they are uniqued nodes that the lazy module, in the
// same context, holds too, so changing one in place would change its flag.
static void turnTrackingOff(llvm::Module &M) {
  SmallVector<llvm::Module::ModuleFlagEntry, 8> Flags;
  M.getModuleFlagsMetadata(Flags);
  M.getModuleFlagsMetadata()->clearOperands();
  Metadata *Off = ConstantAsMetadata::get(ConstantInt::getFalse(M.getContext()));
  for (const llvm::Module::ModuleFlagEntry &Flag : Flags) {
    StringRef Key = Flag.Key->getString();
    M.addModuleFlag(Flag.Behavior, Key,
                    Key == "debug-info-assignment-tracking" ? Off : Flag.Val);
  }
}

// Declared and described in boundary.h.
extern "C" void autojit_declare_variables(LLVMModuleRef Module) {
  llvm::Module &M = *unwrap(Module);
  if (!isAssignmentTrackingEnabled(M))
    return;
  // Every function is checked before any changes: the tracking is the
  // module's, on or off.
  SmallVector<FunctionHomes, 16> Plan;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    std::optional<Homes> Variables = homes(F);
    if (!Variables)
      return;
    Plan.push_back({&F, std::move(*Variables)});
  }
  DIBuilder DIB(M, /*AllowUnresolved=*/false);
  DIExpression *InSlot = DIExpression::get(M.getContext(), {});
  for (FunctionHomes &Planned : Plan) {
    for (auto &[V, H] : Planned.Variables) {
      auto *Variable = const_cast<DILocalVariable *>(V.getVariable());
#if LLVM_VERSION_MAJOR >= 20
      // An insertion point is an iterator there (a pointer is deprecated).
      DIB.insertDeclare(H.Slot, Variable, InSlot, H.Location,
                        H.Slot->getNextNode()->getIterator());
#else
      DIB.insertDeclare(H.Slot, Variable, InSlot, H.Location,
                        H.Slot->getNextNode());
#endif
    }
    at::deleteAll(Planned.F);
  }
  turnTrackingOff(M);
}
