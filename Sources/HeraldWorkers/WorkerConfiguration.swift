package import HeraldStore
package import HeraldBus
import HeraldProviders
package import HeraldRuntime
import HeraldCore
import struct Foundation.CharacterSet
import struct Foundation.URL

/// Settings shared by the queue workers, from the environment.
package struct WorkerConfiguration: Sendable {
    /// Unacknowledged deliveries the broker may hand this process.
    package var prefetch: UInt16
    /// Batches handled at once.
    package var concurrency: Int
    package var databaseConnections: Int
    package var topology: Topology
    /// Senders: messages claimed at a time, just before they go to the provider.
    package var sendSlice: Int

    package init(environment: Environment = Environment()) throws {
        prefetch = UInt16(min(try environment.int(.prefetch), Int(UInt16.max)))
        concurrency = try environment.int(.concurrency)
        databaseConnections = try environment.int(.databaseConnections)
        sendSlice = try environment.int(.sendSlice)
        topology = try Topology(environment: environment)
    }
}


extension RecoveryPolicy {
    /// A sender refuses to start when its provider may take longer than the sending timeout: the sweeper would send
    /// again messages still at the provider.
    package func requireSendingTimeout(longerThan providerTimeout: Duration, setting: String) throws {
        guard sendingTimeout > providerTimeout else {
            throw ConfigurationError(
                "HERALD_SENDING_TIMEOUT_SECONDS (\(Int(sendingTimeout.inSeconds))) must be longer than what \(setting) "
                    + "lets a provider call take (\(Int(providerTimeout.inSeconds.rounded(.up))) s), or messages still "
                    + "at the provider are sent again")
        }
    }
}
