package import HeraldRuntime
package import Logging

extension Infrastructure {
    package func publisher(logger: Logger) -> JobPublisher {
        JobPublisher(bus: bus, ledger: ledger(logger: logger), logger: logger)
    }
}
