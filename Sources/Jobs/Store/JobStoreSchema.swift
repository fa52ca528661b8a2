import GRDB

/// The queue's tables, built by migrations so that a newer agent opens an older board's database.
enum JobStoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs and printer queues") { db in
            let states = PrintJobState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("serviceId", .text).notNull().indexed()
                t.column("queuedOrder", .integer).notNull().unique()
                t.column("name", .text).notNull()
                t.column("contentURI", .text).notNull()
                t.column("spoolPath", .text)
                t.column("contentServer", .text)
                t.column("contentId", .text)
                t.column("mediaType", .text)
                t.column("contentSize", .integer).check { $0 >= 0 }
                t.column("contentSHA256", .text)
                // The content server's token for this job: kept only until the content is in the spool.
                t.column("token", .text)
                t.column("bytesDownloaded", .integer).notNull().defaults(to: 0).check { $0 >= 0 }
                t.column("state", .text).notNull().check(sql: "state IN (\(states))")
                t.column("message", .text).notNull().defaults(to: "")
                t.column("totalLines", .integer).notNull().defaults(to: 0)
                t.column("confirmedLines", .integer).notNull().defaults(to: 0)
                t.column("lastConfirmedFileLine", .integer).notNull().defaults(to: 0)
                t.column("progress", .double).notNull().defaults(to: 0).check { $0 >= 0 && $0 <= 1 }
                t.column("createdAt", .datetime).notNull()
                t.column("startedAt", .datetime)
                t.column("finishedAt", .datetime)
            }
            try db.create(table: "printerQueue") { t in
                t.primaryKey("serviceId", .text)
                // Why the printer's queue waits for a person; NULL when it runs.
                t.column("holdReason", .text)
            }
        }
        migrator.registerMigration("v2: paired clients") { db in
            // Moved in from `tokens.json` (imported at the first start, `TokenFileImport`), so that the daemon and
            // `3dp-agent pair` share one file and SQLite's transactions instead of a lock file of their own.
            try db.create(table: "pairedClient") { t in
                // What `3dp-agent pair --revoke ID` takes: lowercase hex.
                t.primaryKey("id", .text).check(sql: "length(id) > 0 AND id NOT GLOB '*[^0-9a-f]*'")
                t.column("label", .text).notNull()
                // SHA-256 of the token, lowercase hex: the token itself is never stored.
                t.column("sha256", .text).notNull().unique()
                    .check(sql: "length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'")
                t.column("createdAt", .datetime).notNull()
                t.column("lastUsedAt", .datetime)
            }
        }
        return migrator
    }
}
