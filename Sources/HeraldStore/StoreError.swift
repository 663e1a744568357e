import PostgresNIO

/// An error from the store. `description` carries the server's message, never a query's bound values.
package struct StoreError: Error, CustomStringConvertible, Sendable {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let description: String
        package static let unavailable = Code(description: "database unavailable")
        package static let tlsFailed = Code(description: "TLS failed")
        package static let notFound = Code(description: "not found")
        package static let conflict = Code(description: "conflict")
        package static let migration = Code(description: "migration failed")
        package static let invalid = Code(description: "invalid")
    }

    package let code: Code
    package let detail: String

    package init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    package var description: String { "\(code): \(detail)" }

    /// A readable account of a postgres-nio error (whose own description hides details on purpose); other errors
    /// as they describe themselves. Outside the store, use `ProcessRuntime.describe`, which asks each module.
    package static func describe(_ error: any Error) -> String {
        guard let error = serverError(error) else { return "\(error)" }
        if let server = error.serverInfo, let message = server[.message] {
            let state = server[.sqlState]
            // Data exceptions (class 22) and constraint violations (23) quote the offending value after a colon:
            // it may be an address or a variable, so it stays out of every log line and stored error.
            let safe = state.map { $0.hasPrefix("22") || $0.hasPrefix("23") } == true
                ? String(message.prefix { $0 != ":" }) : message
            return safe + (state.map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    /// The postgres-nio error behind `error`, also when `withTransaction` wrapped it.
    static func serverError(_ error: any Error) -> PSQLError? {
        if let transaction = error as? PostgresTransactionError,
           let cause = transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? transaction.rollbackError
        {
            return serverError(cause)
        }
        return error as? PSQLError
    }

    /// Whether `error` is PostgreSQL's unique violation (SQLSTATE 23505), also inside a transaction.
    static func isUniqueViolation(_ error: any Error) -> Bool {
        serverError(error)?.serverInfo?[.sqlState] == "23505"
    }
}
