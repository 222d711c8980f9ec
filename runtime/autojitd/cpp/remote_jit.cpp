// What autojitd needs from LLVM that the C API has no door for: an LLJIT
// whose executor is a SimpleRemoteEPC. The transport under it frames
// messages in Rust (autojit-protocol checks every header before LLVM sees a
// byte), and autojit's own calls from the program are bound as JIT dispatch
// handlers that call back into Rust.
#include "llvm/ExecutionEngine/JITLink/JITLink.h"
#include "llvm/ExecutionEngine/Orc/Shared/OrcRTBridge.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/Orc/SimpleRemoteEPC.h"
#include "llvm/ExecutionEngine/Orc/TaskDispatch.h"
#include "llvm-c/Core.h"
#include "llvm-c/LLJIT.h"
#include "autojit/llvm_version.h"
#include "boundary.h"
#include <algorithm>
#include <cstdlib>

using namespace llvm;
using namespace llvm::orc;

namespace {
class RustFramedTransport final : public SimpleRemoteEPCTransport {
public:
  static Expected<std::unique_ptr<RustFramedTransport>>
  Create(SimpleRemoteEPCTransportClient &Client,
         void *Ctx) {
    return std::unique_ptr<RustFramedTransport>(new RustFramedTransport(Client, Ctx));
  }

  Error start() override {
    autojitd_start(Ctx, this);
    return Error::success();
  }

  Error sendMessage(SimpleRemoteEPCOpcode OpC, uint64_t SeqNo,
                    ExecutorAddr TagAddr, ArrayRef<char> ArgBytes) override {
    if (autojitd_send(Ctx, static_cast<uint64_t>(OpC), SeqNo, TagAddr.getValue(),
                      ArgBytes.data(), ArgBytes.size()))
      return make_error<StringError>("the program closed the connection",
                                     inconvertibleErrorCode());
    return Error::success();
  }

  // The Rust side stops reading; it closes the connection once the session
  // is torn down.
  void disconnect() override { autojitd_disconnect(Ctx); }

  SimpleRemoteEPCTransportClient &Client;

private:
  RustFramedTransport(SimpleRemoteEPCTransportClient &Client,
                      void *Ctx)
      : Client(Client), Ctx(Ctx) {}

  void *Ctx;
};
} // namespace

// cpp/thread_reusing_dispatcher.cpp
std::unique_ptr<TaskDispatcher> createThreadReusingDispatcher();

namespace {
// Registers each object's EH frames in the program as an allocation action
// of its memory, which the program runs while it finalizes that memory:
// one call less per function than ORC's EH-frame registration plugin, whose
// registrar calls the program again after finalization.
class EHFrameActionPlugin final : public ObjectLinkingLayer::Plugin {
public:
  EHFrameActionPlugin(ExecutorAddr Register, ExecutorAddr Deregister)
      : Register(Register), Deregister(Deregister) {}

  void modifyPassConfig(MaterializationResponsibility &, jitlink::LinkGraph &,
                        jitlink::PassConfiguration &Config) override {
    Config.PostFixupPasses.push_back([this](jitlink::LinkGraph &G) -> Error {
      jitlink::Section *EHFrame = G.findSectionByName(".eh_frame");
      if (!EHFrame)
        return Error::success();
      jitlink::SectionRange Range(*EHFrame);
      if (Range.empty())
        return Error::success();
      using Args = shared::SPSArgList<shared::SPSExecutorAddrRange>;
      ExecutorAddrRange Section(Range.getStart(), Range.getEnd());
      auto Add = shared::WrapperFunctionCall::Create<Args>(Register, Section);
      if (!Add)
        return Add.takeError();
      auto Remove = shared::WrapperFunctionCall::Create<Args>(Deregister, Section);
      if (!Remove)
        return Remove.takeError();
      G.allocActions().push_back({std::move(*Add), std::move(*Remove)});
      return Error::success();
    });
  }

  Error notifyFailed(MaterializationResponsibility &) override {
    return Error::success();
  }
  Error notifyRemovingResources(JITDylib &, ResourceKey) override {
    return Error::success();
  }
  void notifyTransferringResources(JITDylib &, ResourceKey, ResourceKey) override {}

private:
  ExecutorAddr Register, Deregister;
};
} // namespace

// One line: joined errors are printed one per line otherwise. For Rust's
// take_message, which frees it with LLVMDisposeMessage.
static char *copyMessage(Error E) {
  std::string Message = toString(std::move(E));
  std::replace(Message.begin(), Message.end(), '\n', ';');
  return LLVMCreateMessage(Message.c_str());
}

// Binds each autojit call's tag (a bootstrap symbol of the program) to a
// handler that calls back into Rust.
static Error bindCalls(LLJIT &J, void *Ctx, const char *const *CallTags,
                       uint32_t NumCalls) {
  ExecutionSession &ES = J.getExecutionSession();
  ExecutorProcessControl &EPC = ES.getExecutorProcessControl();
  JITDylib &Tags = ES.createBareJITDylib("<autojit calls>");
  SymbolMap Addresses;
  ExecutionSession::JITDispatchHandlerAssociationMap Handlers;
  for (uint32_t Which = 0; Which < NumCalls; ++Which) {
    ExecutorAddr Tag;
    if (Error E = EPC.getBootstrapSymbols({{Tag, CallTags[Which]}}))
      return E;
    SymbolStringPtr Name = ES.intern(CallTags[Which]);
    Addresses[Name] = {Tag, JITSymbolFlags::Exported};
    Handlers[Name] = [Ctx, Which](ExecutionSession::SendResultFunction SendResult,
                                        const char *Args, size_t Len) {
      char *Result = nullptr;
      size_t ResultLen = 0;
      autojitd_call(Ctx, Which, Args, Len, &Result, &ResultLen);
      auto Bytes = autojit::WrapperFunctionBytes::copyFrom(Result, ResultLen);
      free(Result);
      SendResult(std::move(Bytes));
    };
  }
  if (Error E = Tags.define(absoluteSymbols(std::move(Addresses))))
    return E;
  return ES.registerJITDispatchHandlers(Tags, std::move(Handlers));
}

// The functions Rust calls, declared and described in boundary.h.

extern "C" LLVMOrcLLJITRef
autojitd_session_create(void *Ctx, const char *const *CallTags, uint32_t NumCalls,
                        const char *RegisterEHFrame, const char *DeregisterEHFrame,
                        char **ErrorMessage) {
  auto EPC = SimpleRemoteEPC::Create<RustFramedTransport>(
      createThreadReusingDispatcher(),
      SimpleRemoteEPC::Setup(), Ctx);
  if (!EPC) {
    *ErrorMessage = copyMessage(EPC.takeError());
    return nullptr;
  }
  ExecutorProcessControl &Program = **EPC;
  for (const auto &Entry : Program.getBootstrapMap())
    autojitd_setting(Ctx, Entry.first().str().c_str(), Entry.second.data(),
                     Entry.second.size());
  // No platform: lazy code needs none of its services (initializers,
  // atexit for JIT'd code), and LLVM 22's generic platform would register
  // EH frames a second time, with services the stub does not have.
  auto J = LLJITBuilder()
               .setExecutorProcessControl(std::move(*EPC))
               .setPlatformSetUp(setUpInactivePlatform)
               .setObjectLinkingLayerCreator(
                   // LLVM 19 also passes the target triple, LLVM 22 not.
                   [RegisterEHFrame, DeregisterEHFrame](ExecutionSession &ES, const auto &...)
                       -> Expected<std::unique_ptr<ObjectLayer>> {
                     ExecutorAddr Register, Deregister;
                     if (Error E = ES.getExecutorProcessControl().getBootstrapSymbols(
                             {{Register, RegisterEHFrame}, {Deregister, DeregisterEHFrame}}))
                       return std::move(E);
                     auto Layer = std::make_unique<ObjectLinkingLayer>(ES);
                     Layer->addPlugin(
                         std::make_unique<EHFrameActionPlugin>(Register, Deregister));
                     return Layer;
                   })
               .create();
  if (!J) {
    *ErrorMessage = copyMessage(J.takeError());
    return nullptr;
  }
  // What goes wrong from here on is reported through *ErrorMessage, and the
  // teardown of a failed session only repeats it.
  (*J)->getExecutionSession().setErrorReporter([](Error E) { consumeError(std::move(E)); });
  if (Error E = bindCalls(**J, Ctx, CallTags, NumCalls)) {
    *ErrorMessage = copyMessage(std::move(E));
    return nullptr;
  }
  return reinterpret_cast<LLVMOrcLLJITRef>(J->release());
}

extern "C" char *autojitd_call_program(LLVMOrcLLJITRef JIT, const char *Wrapper,
                                       const char *Args, size_t Len) {
  ExecutorProcessControl &Program =
      reinterpret_cast<LLJIT *>(JIT)->getExecutionSession().getExecutorProcessControl();
  ExecutorAddr Function;
  if (Error E = Program.getBootstrapSymbols({{Function, Wrapper}}))
    return copyMessage(std::move(E));
  // The arguments come encoded; the caller sends them as they are, and
  // WrapperFunction decodes the Error result (or the out-of-band error).
  auto SendEncoded = [&](const char *, size_t) {
    return Program.callWrapper(Function, ArrayRef<char>(Args, Len));
  };
  Error Refused = Error::success();
  if (Error E = shared::WrapperFunction<shared::SPSError()>::call(SendEncoded, Refused))
    return copyMessage(std::move(E));
  if (Refused)
    return copyMessage(std::move(Refused));
  return nullptr;
}

extern "C" int autojitd_deliver(void *Transport, uint64_t Opcode, uint64_t SeqNo,
                                uint64_t Tag, const char *Bytes, size_t Len,
                                char **ErrorMessage) {
  auto &T = *static_cast<RustFramedTransport *>(Transport);
  auto Action = T.Client.handleMessage(static_cast<SimpleRemoteEPCOpcode>(Opcode),
                                       SeqNo, ExecutorAddr(Tag),
                                       autojit::remoteMessageArgs(Bytes, Len));
  if (!Action) {
    *ErrorMessage = copyMessage(Action.takeError());
    return -1;
  }
  return *Action == SimpleRemoteEPCTransportClient::ContinueSession ? 1 : 0;
}

extern "C" void autojitd_disconnected(void *Transport, const char *Why) {
  auto &T = *static_cast<RustFramedTransport *>(Transport);
  T.Client.handleDisconnect(
      Why ? make_error<StringError>(Why, inconvertibleErrorCode())
          : Error::success());
}
