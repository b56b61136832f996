import Logging
import Platform

/// Finding a display when the pipeline says "auto".
extension Card {
    /// Opens the first card with a connected display (not counting
    /// writeback connectors) and describes it.
    ///
    /// Cards without a connected display are passed over. A card the user
    /// may not open is passed over too, but if no display is found, that
    /// refusal is the error (naming the node, EACCES: a permission problem,
    /// not a missing display).
    ///
    /// - Throws: `DeviceError` with EACCES or EPERM when the only cards
    ///   could not be opened; ``KMSError/noDisplayCard(tried:)`` otherwise.
    public static func openFirstWithDisplay() throws -> (Card, CardInfo) {
        try openFirstWithDisplay(kernel: SystemKernel.shared)
    }

    /// ``openFirstWithDisplay()`` on `kernel` and `drm` (see
    /// ``open(path:kernel:drm:)``), looking in `directory`.
    package static func openFirstWithDisplay(
        in directory: String = "/dev/dri", kernel: any KernelInterface, drm: (any DRMInterface)? = nil
    ) throws -> (Card, CardInfo) {
        var tried: [String] = []
        var refused: DeviceError?
        for path in devicePaths(in: directory, kernel: kernel) {
            tried.append(path)
            do {
                let card = try open(path: path, kernel: kernel, drm: drm)
                let info = try card.describe()
                if info.connectors.contains(where: { $0.status == .connected && !$0.isWriteback }) { return (card, info) }
                logger.debug("no connected display", metadata: ["device": "\(path)"])
            } catch let error as DeviceError where error.category == .permissionDenied {
                if refused == nil { refused = error }
            } catch {
                logger.debug("passed over", metadata: ["device": "\(path)", "error": "\(error)"])
            }
        }
        if let refused { throw refused }
        throw KMSError.noDisplayCard(tried: tried)
    }
}
