#if canImport(Glibc)
import Glibc
#endif

/// Why this process may not open a device node, in the terms a user acts
/// on: the node's mode, owner and group, and whether the user is in that
/// group ("mode 0660, root:video; user pi is not in group video").
package enum NodeAccess {
    /// The explanation for `path`, nil when it cannot be read.
    package static func explain(_ path: String, kernel: any KernelInterface = SystemKernel.shared) -> String? {
        var info = stat()
        guard kernel.stat(path, &info) == 0 else { return nil }
        let mode = String(info.st_mode & 0o7777, radix: 8)
        let owner = userName(info.st_uid) ?? "\(info.st_uid)"
        let group = groupName(info.st_gid) ?? "\(info.st_gid)"
        let user = userName(geteuid()) ?? "\(geteuid())"
        let member = getegid() == info.st_gid || supplementaryGroups().contains(info.st_gid)
        let verdict = member
            ? "user \(user) is in group \(group), but the mode gives the group no read-write access"
            : "user \(user) is not in group \(group)"
        return "mode 0\(mode), \(owner):\(group); \(verdict)"
    }

    /// ``explain(_:kernel:)`` as a clause to append to an error line
    /// ("; mode 0660, root:video; ..."), empty when `path` cannot be read.
    package static func clause(_ path: String, kernel: any KernelInterface = SystemKernel.shared) -> String {
        explain(path, kernel: kernel).map { "; " + $0 } ?? ""
    }

    /// The group that owns `path`, by name.
    package static func group(of path: String, kernel: any KernelInterface = SystemKernel.shared) -> String? {
        var info = stat()
        guard kernel.stat(path, &info) == 0 else { return nil }
        return groupName(info.st_gid) ?? "\(info.st_gid)"
    }

    /// The name of user `uid`, nil when the user database has none.
    package static func userName(_ uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 1024)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return nil }
        return String(cString: name)
    }

    private static func groupName(_ gid: gid_t) -> String? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name else { return nil }
        return String(cString: name)
    }

    private static func supplementaryGroups() -> [gid_t] {
        let count = getgroups(0, nil)
        guard count > 0 else { return [] }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let got = getgroups(count, &groups)
        return got > 0 ? Array(groups.prefix(Int(got))) : []
    }
}
