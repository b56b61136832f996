#if canImport(Glibc)
import Glibc
#endif
import CKernelShim

/// Lists `directory` entries whose names start with `prefix` and continue
/// with a number ("video3", "card0"), sorted by that number.
package func numberedDeviceNodes(in directory: String, prefix: String, kernel: any KernelInterface = SystemKernel.shared) -> [String] {
    var found: [(Int, String)] = []
    for name in kernel.directoryEntries(directory) ?? [] {
        guard name.hasPrefix(prefix), let number = Int(name.dropFirst(prefix.count)) else { continue }
        found.append((number, directory + "/" + name))
    }
    return found.sorted { $0.0 < $1.0 }.map(\.1)
}

extension String {
    /// Decodes a fixed-size, NUL-padded C character array imported as a
    /// tuple (e.g. `v4l2_capability.driver`).
    package init<Tuple>(fixedCString tuple: Tuple) {
        self = withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
