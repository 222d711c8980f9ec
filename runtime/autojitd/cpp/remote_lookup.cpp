// Symbol lookup in the process behind a remote session: the C API's
// definition generators only search this process.
#include "llvm/ExecutionEngine/Orc/EPCDynamicLibrarySearchGenerator.h"
#include "llvm-c/Orc.h"
#include "boundary.h"

using namespace llvm;

// Declared and described in boundary.h.
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
