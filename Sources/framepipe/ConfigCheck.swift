import FramePipe
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// `preview --check-config`: a pipeline file checked before a run (by an
/// operator after editing a service's file, or by deployment tooling), and
/// while another program holds the devices. The pipeline file and the flags are decoded
/// as for a run; then every device node the run would open is judged from
/// `stat(2)` and `access(2)` alone (no device is opened): it must exist, be
/// the right kind of node, and be readable and writable by this user.
/// "auto" needs one such node of its kind.
struct ConfigCheck {
    /// The run's settings, flags applied.
    let pipeline: PipelineConfiguration
    /// Where `/dev` is (a test points it elsewhere).
    var deviceFolder = "/dev"

    /// The one-line verdict, or the first problem as a ``CheckProblem``.
    func verdict(file: String?) throws -> String {
        let sources = pipeline.isComposite ? pipeline.sources : [pipeline.source]
        var checked: [String] = []
        for source in sources {
            checked.append("camera " + (try node(source.device, kind: .video4linux, role: "camera", auto: ("", "video"))))
        }
        checked.append("display " + (try node(pipeline.sink.card, kind: .drm, role: "display", auto: ("/dri", "card"))))
        for source in sources {
            if case .heap(let name?) = source.memory {
                let heap = "\(deviceFolder)/dma_heap/\(name)"
                try Self.judge(heap, kind: nil, role: "dma-buf heap")
                checked.append("heap " + heap)
            }
        }
        let user = NodeAccess.userName(geteuid()) ?? "uid \(geteuid())"
        return "\(file ?? "the flags"): valid; \(checked.joined(separator: ", ")) (readable and writable by \(user); not opened)"
    }

    /// Judges one node, or for "auto" the nodes `auto` names: those in
    /// `deviceFolder` + its folder whose names are its prefix and a number
    /// (("/dri", "card") for /dev/dri/cardN), lowest first; says which.
    private func node(_ path: String, kind: DeviceNodeKind?, role: String, auto: (folder: String, prefix: String)) throws -> String {
        guard path == "auto" else {
            try Self.judge(path, kind: kind, role: role)
            return path
        }
        let prefix = auto.prefix, folder = deviceFolder + auto.folder
        let candidates = numberedDeviceNodes(in: folder, prefix: prefix)
        var first: CheckProblem?
        for candidate in candidates {
            do {
                try Self.judge(candidate, kind: kind, role: role)
                return "auto (\(candidate) among \(candidates.count))"
            } catch let problem as CheckProblem {
                first = first ?? problem
            }
        }
        guard let first else {
            throw CheckProblem(description: "\(role) \"auto\": no \(folder)/\(prefix)N node exists", category: .notFound)
        }
        throw CheckProblem(description: "\(role) \"auto\": none of \(candidates.count) \(folder)/\(prefix)N nodes can be used; the first: \(first.description)",
                           category: first.category)
    }

    /// Throws when `path` is missing, of another kind, or not readable and
    /// writable by this process.
    static func judge(_ path: String, kind expected: DeviceNodeKind?, role: String) throws {
        let found: DeviceNodeKind
        do { found = try DeviceNodeKind.of(path) } catch {
            if error.errnoCode == ENOENT {
                throw CheckProblem(description: "\(role) \(path) does not exist", category: .notFound)
            }
            throw CheckProblem(description: "\(role) \(path) cannot be inspected: \(error)", category: error.category)
        }
        if let expected, found != expected {
            throw CheckProblem(description: "\(role) \(path) is \(found), expected \(expected)", category: .unavailable)
        }
        if expected == nil, case .regularFile = found {
            throw CheckProblem(description: "\(role) \(path) is \(found), expected a device node", category: .unavailable)
        }
        guard access(path, R_OK | W_OK) == 0 else {
            let refusal = errnoName(errno) // before the clause's lookups reset errno
            throw CheckProblem(description: "\(role) \(path) is not readable and writable (\(refusal))\(NodeAccess.clause(path))",
                               category: .permissionDenied)
        }
    }
}

/// Why `--check-config` refused: one line and the exit status's category.
struct CheckProblem: UserFacingError {
    let description: String
    let category: ErrorCategory
}
