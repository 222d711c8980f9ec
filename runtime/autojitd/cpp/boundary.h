// Every function that crosses between autojitd's Rust and its C++, in both
// directions, declared once. Each .cpp includes it, so the C++ compiler
// checks its definitions against it (they keep `extern "C"`: a definition
// of another type would then conflict instead of overloading), and
// build.rs generates the Rust declarations from it with bindgen
// (src/boundary.rs, which checks the Rust definitions against them).
#ifndef AUTOJITD_BOUNDARY_H
#define AUTOJITD_BOUNDARY_H

#include "llvm-c/Error.h"
#include "llvm-c/LLJIT.h"
#include "llvm-c/Orc.h"
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Defined in C++ (cpp/remote_jit.cpp): the session's LLJIT over a
// SimpleRemoteEPC whose transport frames messages in Rust.

// Waits for the program's setup message, builds the session's LLJIT (JITLink
// objects, EH frames registered in the program) and binds the autojit calls:
// call Which (an index into CallTags, NumCalls of them) reaches autojitd_call.
// Null with *ErrorMessage (a message) on failure. RegisterEHFrame and
// DeregisterEHFrame name the program's EH-frame registration wrappers
// (autojit-protocol's names, which are LLVM 19's).
LLVMOrcLLJITRef autojitd_session_create(void *Ctx, const char *const *CallTags,
                                        uint32_t NumCalls,
                                        const char *RegisterEHFrame,
                                        const char *DeregisterEHFrame,
                                        char **ErrorMessage);

// Calls the program's wrapper Wrapper (a bootstrap symbol of its setup
// message) with the Len encoded argument bytes at Args; the wrapper returns
// an SPS Error. Null, or the error (a message).
char *autojitd_call_program(LLVMOrcLLJITRef JIT, const char *Wrapper,
                            const char *Args, size_t Len);

// Hands one checked message to the session. Returns 1 to go on reading, 0
// when the message ended the session, -1 with *ErrorMessage (a message) when
// the session cannot accept it.
int autojitd_deliver(void *Transport, uint64_t Opcode, uint64_t SeqNo,
                     uint64_t Tag, const char *Bytes, size_t Len,
                     char **ErrorMessage);

// No more messages will come: Why says why (null after a clean hangup).
void autojitd_disconnected(void *Transport, const char *Why);

// Defined in C++ (cpp/remote_lookup.cpp): lets JITDylib JD resolve what lazy
// code refers to in the process behind a remote session, in its dynamic
// linker's order: the global scope, then the library behind dylib-manager
// handle Library (0: none, the executable).
LLVMErrorRef autojit_add_remote_scope(LLVMOrcExecutionSessionRef ES,
                                      LLVMOrcJITDylibRef JD, uint64_t Library);

// Defined in C++ (cpp/thread_reusing_dispatcher_test.cpp), for `cargo test`
// only: the dispatcher's tests. Null, or what failed (a message).
char *autojitd_test_thread_reusing_dispatcher(void);

// Defined in Rust (src/callbacks.rs), called by the transport and the call
// handlers of cpp/remote_jit.cpp; Ctx is the session autojitd_session_create
// was given.

// Starts delivering the program's messages to Transport (autojitd_deliver).
void autojitd_start(void *Ctx, void *Transport);

// Writes one message; returns 0, or -1 when the connection is gone.
int autojitd_send(void *Ctx, uint64_t Opcode, uint64_t SeqNo, uint64_t Tag,
                  const char *Bytes, size_t Len);

// Receives one entry of the program's bootstrap map: its settings.
void autojitd_setting(void *Ctx, const char *Name, const char *Value,
                      size_t Len);

// Makes the reader stop: the session is ending.
void autojitd_disconnect(void *Ctx);

// Serves autojit call Which (an index into the call tags): malloc'ed result
// bytes, which the caller frees.
void autojitd_call(void *Ctx, uint32_t Which, const char *Args, size_t Len,
                   char **Result, size_t *ResultLen);

#ifdef __cplusplus
}
#endif

#endif
