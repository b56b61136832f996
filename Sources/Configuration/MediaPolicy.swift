/// What framepipe may do to a camera's media-controller pipeline (sensor →
/// ISP or debayer → scaler → video node; JSON key `media` of a source, flag
/// `--media`). Nodes without `V4L2_CAP_IO_MC` ignore it.
public enum MediaPolicy: String, Sendable, Codable, CaseIterable {
    /// Use the pipeline as configured when it gives the asked size in a
    /// format the node captures with every link agreeing; otherwise
    /// configure it (sensor mode, each pad, the scaler) and put every
    /// format back at exit. The default.
    case auto
    /// Never change a subdevice: a link whose ends differ, or a size the
    /// pipeline does not give, is an error naming it.
    case asIs = "as-is"
    /// As `auto`, but leave the formats set at exit (for a board whose
    /// other programs expect them).
    case persist
}
