// The in-process object linking layer: JITLink's ObjectLinkingLayer with an
// EH-frame registrar that calls back into Rust (autojit_abi::eh_frame),
// which registers each section with every unwinder in the process. ORC's
// own in-process registrar passes the whole .eh_frame section to
// __register_frame, libgcc's contract; in a libc++ program that symbol may
// bind to LLVM's libunwind, which takes single FDEs, and exceptions of lazy
// code then cannot unwind. The C API can make an object linking layer but
// cannot give it a registrar.
#include "llvm/ExecutionEngine/JITLink/EHFrameSupport.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm-c/Orc.h"

using namespace llvm;

extern "C" {
// Registers (Add true) or deregisters the .eh_frame section at Start.
typedef LLVMErrorRef (*AutojitEHFrameRegistration)(uint64_t Start, bool Add);
}

namespace {
class CallbackEHFrameRegistrar final : public jitlink::EHFrameRegistrar {
  AutojitEHFrameRegistration Register;

public:
  explicit CallbackEHFrameRegistrar(AutojitEHFrameRegistration Register)
      : Register(Register) {}

  Error registerEHFrames(orc::ExecutorAddrRange Section) override {
    return unwrap(Register(Section.Start.getValue(), true));
  }

  Error deregisterEHFrames(orc::ExecutorAddrRange Section) override {
    return unwrap(Register(Section.Start.getValue(), false));
  }
};
} // namespace

extern "C" LLVMOrcObjectLayerRef
autojit_create_object_linking_layer(LLVMOrcExecutionSessionRef ES,
                                    AutojitEHFrameRegistration Register) {
  auto &Session = *reinterpret_cast<orc::ExecutionSession *>(ES);
  auto Layer = std::make_unique<orc::ObjectLinkingLayer>(Session);
  Layer->addPlugin(std::make_unique<orc::EHFrameRegistrationPlugin>(
      Session, std::make_unique<CallbackEHFrameRegistrar>(Register)));
  orc::ObjectLayer *Base = Layer.release();
  return reinterpret_cast<LLVMOrcObjectLayerRef>(Base);
}
