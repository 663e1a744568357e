/// The release this build is, as `--version` prints it and `scripts/package.sh` names its archive.
package enum HeraldVersion {
    package static let current = "0.12.0"
}
