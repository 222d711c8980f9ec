// Splitting a block, which the C API has no door for: the counters of
// first-tier code (src/counters.rs) go at the end of a function's entry
// block, before its terminator, which moves to a block of its own.
#include "llvm/IR/BasicBlock.h"
#include "llvm/IR/Instruction.h"
#include "boundary.h"

using namespace llvm;

// Declared and described in boundary.h.
extern "C" LLVMBasicBlockRef autojit_split_block_before(LLVMValueRef Instruction) {
  auto *I = cast<llvm::Instruction>(unwrap(Instruction));
  // Successors' PHI nodes are updated to come from the new block.
  return wrap(I->getParent()->splitBasicBlock(I->getIterator()));
}
