import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Runs a libdrm getter that returns an allocated object, or NULL with errno
/// set, and turns NULL into a `DeviceError` naming `call` and `device`.
///
/// It goes through Platform's `checkedCall` so that errno is mapped in one
/// place. libdrm's allocations can fail without touching errno; that case is
/// reported as EIO rather than as a confusing "errno 0".
func fetchObject<Pointee>(
    _ call: String, device: String, _ body: () -> UnsafeMutablePointer<Pointee>?
) throws(DeviceError) -> UnsafeMutablePointer<Pointee> {
    var result: UnsafeMutablePointer<Pointee>?
    try checkedCall(call, device: device) {
        errno = 0
        result = body()
        if result != nil { return 0 }
        return -(errno == 0 ? EIO : errno)
    }
    guard let result else {
        // checkedCall returns only when the closure reported success, which
        // it does only with a result in hand.
        preconditionFailure("\(call) reported success without an object")
    }
    return result
}

/// A libdrm-allocated C array as a Swift buffer; empty when libdrm gave NULL
/// (it does so for zero-length lists).
func libdrmArray<Element>(_ start: UnsafeMutablePointer<Element>?, count: some BinaryInteger) -> UnsafeBufferPointer<Element> {
    guard let start, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: start, count: Int(count))
}

extension String {
    /// A NUL-terminated string owned by libdrm, or "" when the pointer is NULL.
    init(libdrmString pointer: UnsafePointer<CChar>?) {
        if let pointer {
            self = String(cString: pointer)
        } else {
            self = ""
        }
    }
}
