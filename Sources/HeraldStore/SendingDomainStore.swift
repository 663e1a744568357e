package import Foundation
import HeraldCore
package import Logging
import PostgresNIO

/// Tenants' sending domains, DKIM keys and default senders (`tenant_domains`, `dkim_keys`, `tenants.email_sender`).
package struct SendingDomainStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(database: Database, logger: Logger) {
        self.client = database.client
        self.logger = logger
    }

    /// A domain name in lower case, or an error naming what is wrong with it.
    package static func normalized(_ domain: String) throws -> String {
        let lowered = domain.lowercased().trimmingCharacters(in: .whitespaces)
        do {
            guard !lowered.contains("@"), !lowered.hasSuffix("."), lowered.contains(".") else { throw EmailAddress.Problem.malformed }
            _ = try EmailAddress("postmaster@" + lowered)
        } catch {
            throw StoreError(.invalid, "'\(domain)' is not a domain name")
        }
        return lowered
    }

    package func addDomain(_ domain: String, returnPathDomain: String?, tenant: String) async throws {
        let domain = try Self.normalized(domain)
        let returnPath = try returnPathDomain.map(Self.normalized)
        if let returnPath, returnPath != domain, !returnPath.hasSuffix("." + domain) {
            throw StoreError(.invalid, "the return-path domain '\(returnPath)' must be '\(domain)' or one of its subdomains, so that SPF aligns with From")
        }
        do {
            let rows = try await client.query("""
                insert into tenant_domains (domain, tenant_id, return_path_domain)
                select \(domain), id, \(returnPath) from tenants where name = \(tenant)
                returning 1
                """, logger: logger)
            guard try await rows.decode(Int.self).collect().count == 1 else { throw StoreError(.notFound, "no tenant named '\(tenant)'") }
        } catch where StoreError.isUniqueViolation(error) {
            throw StoreError(.conflict, "'\(domain)' (or its return-path domain) belongs to a tenant already (remove it there first)")
        }
    }

    package func domains(tenant: String) async throws -> [SendingDomain] {
        let rows = try await client.query("""
            select d.domain, d.return_path_domain, k.selector, k.algorithm, k.public_key, k.created_at
            from tenant_domains d join tenants t on t.id = d.tenant_id
            left join dkim_keys k on k.domain = d.domain
            where t.name = \(tenant)
            order by d.domain, k.created_at, k.selector
            """, logger: logger)
        var domains: [SendingDomain] = []
        for try await (domain, returnPath, selector, algorithm, publicKey, createdAt) in rows.decode(
            (String, String?, String?, String?, String?, Date?).self)
        {
            if domains.last?.domain != domain { domains.append(SendingDomain(domain: domain, returnPathDomain: returnPath, keys: [])) }
            if let selector, let algorithm, let publicKey, let createdAt {
                domains[domains.count - 1].keys.append(.init(selector: selector, algorithm: algorithm, publicKey: publicKey, createdAt: createdAt))
            }
        }
        return domains
    }

    /// Removes the domain and its keys; false when it is not the tenant's.
    package func removeDomain(_ domain: String, tenant: String) async throws -> Bool {
        let rows = try await client.query("""
            delete from tenant_domains d using tenants t
            where d.tenant_id = t.id and t.name = \(tenant) and d.domain = \(domain.lowercased())
            returning 1
            """, logger: logger)
        return try await rows.decode(Int.self).collect().count == 1
    }

    /// Whether each of these domains is one of the tenant's.
    package func owned(_ domains: Set<String>, tenantID: UUID) async throws -> Set<String> {
        let rows = try await client.query("""
            select domain from tenant_domains where tenant_id = \(tenantID) and domain = any(\(Array(domains)))
            """, logger: logger)
        return Set(try await rows.decode(String.self).collect())
    }

    /// Sets (or, with nil, clears) the tenant's default sender; its domain must be one of the tenant's.
    package func setSender(_ mailbox: String?, domain: String?, tenant: String) async throws {
        let rows = try await client.query("""
            update tenants t set email_sender = \(mailbox)
            where t.name = \(tenant)
              and (\(domain)::text is null or exists (select 1 from tenant_domains d where d.tenant_id = t.id and d.domain = \(domain)))
            returning 1
            """, logger: logger)
        guard try await rows.decode(Int.self).collect().count == 1 else {
            throw StoreError(.notFound, "no tenant named '\(tenant)'" + (domain.map { " with the domain '\($0)' (herald ctl domains add)" } ?? ""))
        }
    }

    package func addKey(
        domain: String, selector: String, algorithm: String, privateKey: String, publicKey: String, tenant: String
    ) async throws {
        do {
            let rows = try await client.query("""
                insert into dkim_keys (domain, selector, algorithm, private_key, public_key)
                select d.domain, \(selector), \(algorithm), \(privateKey), \(publicKey)
                from tenant_domains d join tenants t on t.id = d.tenant_id
                where t.name = \(tenant) and d.domain = \(domain.lowercased())
                returning 1
                """, logger: logger)
            guard try await rows.decode(Int.self).collect().count == 1 else {
                throw StoreError(.notFound, "'\(domain)' is not a domain of tenant '\(tenant)' (herald ctl domains add)")
            }
        } catch where StoreError.isUniqueViolation(error) {
            throw StoreError(.conflict, "'\(domain)' has a key with the selector '\(selector)' already")
        }
    }

    /// The algorithms of the domain's keys, oldest first (what a rotation makes again).
    package func keyAlgorithms(domain: String, tenant: String) async throws -> [String] {
        let rows = try await client.query("""
            select k.algorithm from dkim_keys k join tenant_domains d on d.domain = k.domain join tenants t on t.id = d.tenant_id
            where t.name = \(tenant) and d.domain = \(domain.lowercased())
            order by k.created_at
            """, logger: logger)
        return try await rows.decode(String.self).collect()
    }

    package func removeKey(domain: String, selector: String, tenant: String) async throws -> Bool {
        let rows = try await client.query("""
            delete from dkim_keys k using tenant_domains d, tenants t
            where k.domain = d.domain and d.tenant_id = t.id and t.name = \(tenant)
              and k.domain = \(domain.lowercased()) and k.selector = \(selector)
            returning 1
            """, logger: logger)
        return try await rows.decode(Int.self).collect().count == 1
    }

    /// Keys and return-path domains of these From domains (those that are tenants' domains).
    package func sending(for domains: Set<String>) async throws -> [String: DomainSending] {
        let rows = try await client.query("""
            select d.domain, d.return_path_domain, k.selector, k.algorithm, k.private_key
            from tenant_domains d left join dkim_keys k on k.domain = d.domain
            where d.domain = any(\(Array(domains)))
            order by d.domain, k.created_at
            """, logger: logger)
        var found: [String: DomainSending] = [:]
        for try await (domain, returnPath, selector, algorithm, privateKey) in rows.decode(
            (String, String?, String?, String?, String?).self)
        {
            found[domain, default: DomainSending()].returnPathDomain = returnPath
            if let selector, let algorithm, let privateKey {
                found[domain]!.keys.append(SigningKey(domain: domain, selector: selector, algorithm: algorithm, privateKey: privateKey))
            }
        }
        return found
    }

    /// Every return-path domain, with its tenant (herald-inbound accepts mail for these besides the bounce domain).
    package func returnPathDomains() async throws -> [String: UUID] {
        let rows = try await client.query("""
            select return_path_domain, tenant_id from tenant_domains where return_path_domain is not null
            """, logger: logger)
        var domains: [String: UUID] = [:]
        for try await (domain, tenantID) in rows.decode((String, UUID).self) { domains[domain] = tenantID }
        return domains
    }
}
