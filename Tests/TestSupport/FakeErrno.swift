#if canImport(Glibc)
import Glibc
#endif

/// The errno a fake system call fails with. The fake's handlers throw it
/// (typed) and the one entry point of every call, ``FakeKernel/perform``,
/// turns it into the C convention: `errno` set and a failure return.
struct FakeErrno: Error, Equatable {
    let code: Int32

    init(_ code: Int32) {
        self.code = code
    }
}
