import ArgumentParser
import KMS
import Platform
import Planning
import V4L2

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List cameras (V4L2) and displays (DRM/KMS) with what they can do.",
        discussion: """
        Without --device or --card, every /dev/videoN and /dev/dri/cardN is described; \
        a node that cannot be opened is reported and skipped (a refused permission with \
        the node's mode and group, and whether the user is in it); when nodes exist but \
        none could be opened, framepipe says which groups to join and exits with 77. A \
        node named with --device or --card must work, or framepipe exits with an error.

        For each V4L2 node: driver, card, bus, capabilities, single-planar or \
        multiplanar capture, every capture format with its frame sizes and frame rates, \
        and streaming I/O (MMAP, DMABUF import, and dma-buf export proven with VIDIOC_EXPBUF).

        For each media controller device with a camera pipeline (/dev/mediaN with \
        links: a sensor, an ISP or debayer, a scaler, the video node): its entities \
        with their subdevice nodes, each pad's current format and crop and its links, \
        and each linear pipeline from a sensor to a video node (what `preview` \
        configures with --media auto).

        For each DRM card: driver, capabilities (PRIME, atomic, universal planes, \
        writeback), connectors with modes, CRTCs, and planes with their formats and \
        modifiers (IN_FORMATS). A DRM format is shown as its fourcc with its name \
        from framepipe's format table, e.g. XR24 (XRGB8888); a capture format also names \
        the DRM format its frames are displayed as ('RGB3' is DRM BG24 (BGR888)).

        --brief prints one line per camera (a V4L2 node that captures video), per \
        connector and per plane, each starting with what it describes:
          camera PATH DRIVER "CARD" BUS PLANES N formats, memory KINDS
          connector CARD NAME STATUS MODE on crtc ID
          connector CARD NAME STATUS off[, prefers MODE]
          plane CARD ID TYPE on crtc ID|off: FOURCC (NAME), FOURCC, ...

        PLANES is single-planar or multiplanar. KINDS is what --memory can ask of \
        the camera: camera (it exports its own buffers; camera? when the export \
        could not be tried), display and heap (it imports dma-bufs), or none. \
        STATUS is connected, disconnected, unknown or writeback; MODE is WxH@HZ. \
        Nodes that capture no video have no line.

        Examples:
          framepipe list
          framepipe list --brief | grep '^plane'
          framepipe list --json > devices.json
          framepipe list --device /dev/video0 --card /dev/dri/card0
        """)

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "One line per camera, per connector and per plane (see above).")
    var brief = false

    @Option(
        name: .customLong("device"), help: ArgumentHelp("A V4L2 node to describe (repeatable).", valueName: "path"),
        completion: .file())
    var devices: [String] = []

    @Option(
        name: .customLong("card"), help: ArgumentHelp("A DRM card to describe (repeatable).", valueName: "path"),
        completion: .file())
    var cards: [String] = []

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if json && brief { throw ValidationError("--brief and --json cannot be combined: the JSON report is the complete one") }
    }

    func run() throws {
        logging.bootstrap()
        try reportingErrors {
            let explicit = !devices.isEmpty || !cards.isEmpty
            var report = ListReport()
            var refused: [String] = []
            /// A scanned node that failed: its line, with why a permission
            /// was refused in the terms a user acts on (mode, group).
            func skip(_ error: UserFacingError, path: String) {
                guard error.category == .permissionDenied else { return report.problems.append(error.description) }
                refused.append(path)
                report.problems.append(error.description + NodeAccess.clause(path))
            }
            for path in explicit ? devices : videoDeviceNodes() {
                do {
                    report.videoDevices.append(try VideoDevice.open(path).describe())
                } catch let error as UserFacingError where !explicit {
                    skip(error, path: path)
                }
            }
            if !explicit {
                let media = MediaListing.describeAll(kernel: SystemKernel.shared)
                report.mediaDevices = media.graphs
                report.problems += media.problems
            }
            for path in explicit ? cards : Card.devicePaths() {
                do {
                    report.cards.append(try Card.open(path: path).describe())
                } catch let error as UserFacingError where !explicit {
                    skip(error, path: path)
                }
            }
            let nothingOpened = report.videoDevices.isEmpty && report.cards.isEmpty && !refused.isEmpty
            if json {
                StandardStream.output.write(try reportJSON(report))
            } else if brief {
                print(report.briefText, terminator: "")
            } else if !nothingOpened {
                print(report.text, terminator: "")
            }
            if !json { for problem in report.problems { printError(problem) } }
            if nothingOpened {
                throw ListError.nothingOpened(nodes: refused, groups: refused.compactMap { NodeAccess.group(of: $0) })
            }
        }
    }
}

/// `list` found device nodes but could open none of them.
enum ListError: UserFacingError {
    case nothingOpened(nodes: [String], groups: [String])

    var description: String {
        switch self {
        case .nothingOpened(let nodes, let groups):
            var unique: [String] = []
            for group in groups where !unique.contains(group) { unique.append(group) }
            return "no device could be opened: \(nodes.count) node\(nodes.count == 1 ? "" : "s") refused permission (\(nodes.joined(separator: ", "))); "
                + "add the user to group\(unique.count == 1 ? "" : "s") \(unique.joined(separator: ", ")) (usermod -aG \(unique.joined(separator: ",")) USER) and log in again"
        }
    }

    var category: ErrorCategory { .permissionDenied }
}

/// The whole `list` report; its JSON form is what `--json` prints.
struct ListReport: Codable {
    var videoDevices: [VideoDeviceInfo] = []
    var cards: [CardInfo] = []
    /// Media controller devices with camera pipelines (sensor → ... →
    /// video node), each pad's format as it is now.
    var mediaDevices: [MediaGraphInfo] = []
    /// Nodes found while scanning that could not be described, one line each.
    var problems: [String] = []
}
