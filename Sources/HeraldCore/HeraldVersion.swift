/// The release this build is, as `--version` prints it and `scripts/package.sh` names its archive.
public enum HeraldVersion {
    public static let current = "0.12.0"
}
