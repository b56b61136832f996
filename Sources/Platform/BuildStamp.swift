import CKernelShim

/// What `framepipe --version` prints: the git version `scripts/package`
/// stamped into the packaged binary (its `framepipe_version` section), or
/// a plain statement that this build was not packaged.
public enum BuildStamp {
    /// The stamped version ("de52748", "v1.0-3-gabc1234-dirty"), or the
    /// sentence for a build from the source tree.
    public static var version: String {
        let stamp = String(cString: fp_version_stamp())
        return stamp.isEmpty ? "unstamped: built from the source tree (scripts/package stamps the git version)" : stamp
    }
}
