import Foundation
import GRDB

/// The Managers paired with this agent, in the queue's database: one file and one kind of transaction for the
/// daemon and for `3dp-agent pair`, which writes beside it in another process. Every read goes to the database,
/// so a revoke written by the other process counts at the next request.
extension JobStore {
    /// Every paired client, oldest first.
    public func pairedClients() throws(JobStoreError) -> [TokenRecord] {
        try read { db in try TokenRecord.order(Column("createdAt"), Column("id")).fetchAll(db) }
    }

    public func pairedClientIDs() throws(JobStoreError) -> Set<String> {
        try read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM pairedClient")) }
    }

    public func isPaired(id: String) throws(JobStoreError) -> Bool {
        try read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM pairedClient WHERE id = ?", arguments: [id]) ?? false }
    }

    /// Adds a client that has just paired and returns its id: `proposedID`, or longer when another client has that
    /// one (32-bit ids collide only among tens of thousands of clients; lengthening is better than failing). The
    /// check and the insert are one transaction, so two processes cannot hand out the same id.
    public func addPairedClient(proposedID: String, label: String, tokenSHA256: String,
                                createdAt: Date) throws(JobStoreError) -> String {
        try write { db in
            var id = proposedID
            var counter = 0
            while try Bool.fetchOne(db, sql: "SELECT 1 FROM pairedClient WHERE id = ?", arguments: [id]) ?? false {
                counter += 1
                id = proposedID + String(counter, radix: 16)
            }
            try TokenRecord(id: id, label: label, tokenSHA256: tokenSHA256, createdAt: createdAt).insert(db)
            return id
        }
    }

    /// Forgets a client; false when there is no such id.
    public func removePairedClient(id: String) throws(JobStoreError) -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM pairedClient WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// Writes when clients were last seen, in one transaction. A time earlier than the stored one (the other
    /// process saw the client later) is left out; so is a client revoked meanwhile.
    public func recordUse(_ lastUsed: [String: Date]) throws(JobStoreError) {
        guard !lastUsed.isEmpty else { return }
        try write { db in
            for (id, date) in lastUsed {
                try db.execute(sql: """
                    UPDATE pairedClient SET lastUsedAt = ? WHERE id = ? AND (lastUsedAt IS NULL OR lastUsedAt < ?)
                    """, arguments: [StoredDates.argument(date), id, StoredDates.argument(date)])
            }
        }
    }

    /// Brings in the clients an older agent kept in `tokens.json`, all in one transaction: every one or, on an
    /// error, none. A client already here (an earlier import whose file was not renamed yet) is left as it is, so
    /// running it twice changes nothing. Returns how many were added.
    public func importPairedClients(_ records: [TokenRecord]) throws(JobStoreError) -> Int {
        try write { db in
            var added = 0
            for record in records {
                try db.execute(sql: """
                    INSERT INTO pairedClient (id, label, sha256, createdAt, lastUsedAt) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO NOTHING
                    """, arguments: [record.id, record.label, record.tokenSHA256, StoredDates.argument(record.createdAt),
                                     StoredDates.argument(record.lastUsedAt)])
                added += db.changesCount
            }
            return added
        }
    }
}
