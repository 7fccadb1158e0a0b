using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Podvisor.Store.Log;

namespace Podvisor.Store.Sqlite;

/// <summary>
/// The embedded back end: one SQLite file in WAL mode. One writer connection (used only by the store's writer
/// loop) and a pool of reader connections, each with its statements prepared once.
/// </summary>
/// <remarks>
/// Durability: <c>PRAGMA synchronous=FULL</c> with WAL. With WAL, NORMAL syncs only at checkpoints, so a commit
/// survives a process crash (kill -9) but not a power loss or OS crash; FULL fsyncs the WAL on every commit, so
/// an acknowledged write survives both. Group commit makes that one fsync per batch of writers, not per write.
/// </remarks>
internal sealed class SqliteLogBackend : ILogBackend
{
    private const string Columns = "id, name, created, deleted, create_revision, prev_revision, value";

    private readonly string _connectionString;
    private readonly ConcurrentBag<Reader> _readers = [];
    private SqliteConnection? _writer;
    private SqliteCommand? _begin;
    private SqliteCommand? _commit;
    private SqliteCommand? _rollback;
    private SqliteCommand? _insert;
    private SqliteParameter[] _insertParameters = [];
    private bool _disposed;

    public SqliteLogBackend(string databasePath)
    {
        DatabasePath = databasePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        }.ToString();
    }

    public string DatabasePath { get; }

    public LogState Open()
    {
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Exec(_writer, "PRAGMA journal_mode=WAL;");
        // FULL, not NORMAL: see the class remarks (power-loss durability of acknowledged writes).
        Exec(_writer, "PRAGMA synchronous=FULL;");
        Exec(_writer, "PRAGMA busy_timeout=10000;");
        Exec(_writer, "PRAGMA cache_size=-16384;");
        // One transaction: on a new file, one durable commit instead of one per statement.
        Exec(_writer, """
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                created INTEGER NOT NULL,
                deleted INTEGER NOT NULL,
                create_revision INTEGER NOT NULL,
                prev_revision INTEGER NOT NULL,
                value BLOB NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS log_name_prev_revision ON log (name, prev_revision);
            CREATE INDEX IF NOT EXISTS log_name_id ON log (name, id);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            COMMIT;
            """);

        _begin = Prepare(_writer, "BEGIN IMMEDIATE;");
        _commit = Prepare(_writer, "COMMIT;");
        _rollback = Prepare(_writer, "ROLLBACK;");
        _insert = _writer.CreateCommand();
        _insert.CommandText = $"INSERT INTO log ({Columns}) VALUES ($id, $name, $created, $deleted, $cr, $pr, $value);";
        _insertParameters =
        [
            _insert.Parameters.Add("$id", SqliteType.Integer),
            _insert.Parameters.Add("$name", SqliteType.Text),
            _insert.Parameters.Add("$created", SqliteType.Integer),
            _insert.Parameters.Add("$deleted", SqliteType.Integer),
            _insert.Parameters.Add("$cr", SqliteType.Integer),
            _insert.Parameters.Add("$pr", SqliteType.Integer),
            _insert.Parameters.Add("$value", SqliteType.Blob),
        ];
        _insert.Prepare();

        var maxId = ScalarLong(_writer, "SELECT coalesce(max(id), 0) FROM log;");
        var seq = ScalarLong(_writer, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'log'), 0);");
        var compact = ScalarLong(_writer, "SELECT coalesce((SELECT value FROM meta WHERE key = 'compact_rev'), 0);");
        var index = new Dictionary<string, KeyState>(StringComparer.Ordinal);
        using (var cmd = _writer.CreateCommand())
        {
            cmd.CommandText = """
                SELECT l.name, l.id, l.create_revision, l.deleted FROM log l
                JOIN (SELECT max(id) AS id FROM log GROUP BY name) m ON l.id = m.id;
                """;
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                index[r.GetString(0)] = new KeyState(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3) != 0);
            }
        }

        return new LogState(Math.Max(maxId, seq), compact, index);
    }

    public void Append(List<LogRow> rows)
    {
        var p = _insertParameters;
        _begin!.ExecuteNonQuery();
        try
        {
            foreach (var row in rows)
            {
                p[0].Value = row.Revision;
                p[1].Value = row.Key;
                p[2].Value = row.Created ? 1L : 0L;
                p[3].Value = row.Deleted ? 1L : 0L;
                p[4].Value = row.CreateRevision;
                p[5].Value = row.PrevRevision;
                p[6].Value = row.Value;
                _insert!.ExecuteNonQuery();
            }

            _commit!.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            TryRollback();
            if (e.SqliteErrorCode == 19)
            {
                throw new LogConflictException("the log's unique (name, prev_revision) index rejected a write", e);
            }

            throw;
        }
        catch
        {
            TryRollback();
            throw;
        }
    }

    public int Compact(long fromRevision, long toRevision)
    {
        _begin!.ExecuteNonQuery();
        try
        {
            int removed;
            using (var cmd = _writer!.CreateCommand())
            {
                // First the rows superseded by a row in the range, then the tombstones in the range (kine's order:
                // a tombstone's prev is the last live row, removed by the first statement).
                cmd.CommandText = """
                    DELETE FROM log WHERE id IN (
                        SELECT prev_revision FROM log WHERE id > $from AND id <= $to AND prev_revision != 0);
                    DELETE FROM log WHERE id > $from AND id <= $to AND deleted = 1;
                    INSERT INTO meta (key, value) VALUES ('compact_rev', $to)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value;
                    """;
                cmd.Parameters.AddWithValue("$from", fromRevision);
                cmd.Parameters.AddWithValue("$to", toRevision);
                removed = cmd.ExecuteNonQuery();
            }

            _commit!.ExecuteNonQuery();
            return removed;
        }
        catch
        {
            TryRollback();
            throw;
        }
    }

    public LogRow? GetLatest(string key)
    {
        var reader = RentReader();
        try
        {
            reader.GetLatestName.Value = key;
            using var r = reader.GetLatest.ExecuteReader();
            return r.Read() ? ReadRow(r, withPrev: false) : null;
        }
        finally
        {
            Return(reader);
        }
    }

    public List<LogRow> List(string prefix, long revision, string? afterKey, int limit)
    {
        var reader = RentReader();
        try
        {
            return reader.InSnapshot(revision, r =>
            {
                var cmd = r.List;
                cmd.Parameters[0].Value = afterKey ?? prefix;
                cmd.Parameters[1].Value = PrefixEnd(prefix);
                cmd.Parameters[2].Value = revision;
                cmd.Parameters[3].Value = limit;
                var rows = new List<LogRow>(Math.Min(limit, 256));
                using var dr = cmd.ExecuteReader();
                while (dr.Read())
                {
                    rows.Add(ReadRow(dr, withPrev: false));
                }

                return rows;
            });
        }
        finally
        {
            Return(reader);
        }
    }

    public long Count(string prefix, long revision, string? afterKey)
    {
        var reader = RentReader();
        try
        {
            return reader.InSnapshot(revision, r =>
            {
                var cmd = r.Count;
                cmd.Parameters[0].Value = afterKey ?? prefix;
                cmd.Parameters[1].Value = PrefixEnd(prefix);
                cmd.Parameters[2].Value = revision;
                return (long)cmd.ExecuteScalar()!;
            });
        }
        finally
        {
            Return(reader);
        }
    }

    public List<LogRow> ReadAfter(string prefix, long afterRevision, int limit)
    {
        var reader = RentReader();
        try
        {
            return reader.InSnapshot(afterRevision, r =>
            {
                var cmd = r.ReadAfter;
                cmd.Parameters[0].Value = afterRevision;
                cmd.Parameters[1].Value = prefix;
                cmd.Parameters[2].Value = PrefixEnd(prefix);
                cmd.Parameters[3].Value = limit;
                var rows = new List<LogRow>();
                using var dr = cmd.ExecuteReader();
                while (dr.Read())
                {
                    rows.Add(ReadRow(dr, withPrev: true));
                }

                return rows;
            });
        }
        finally
        {
            Return(reader);
        }
    }

    /// <summary>Runs <c>PRAGMA integrity_check</c> on a fresh connection; "ok" when the file is sound.</summary>
    public string IntegrityCheck()
    {
        using var c = new SqliteConnection(_connectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check;";
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        while (_readers.TryTake(out var r))
        {
            r.Dispose();
        }

        _insert?.Dispose();
        _begin?.Dispose();
        _commit?.Dispose();
        _rollback?.Dispose();
        _writer?.Dispose();
    }

    /// <summary>The smallest string greater than every key under the prefix (prefixes end with '/').</summary>
    private static string PrefixEnd(string prefix) => string.Concat(prefix.AsSpan(0, prefix.Length - 1), "0");

    private static LogRow ReadRow(SqliteDataReader r, bool withPrev)
    {
        var created = r.GetInt64(2) != 0;
        byte[]? prev = null;
        if (withPrev && !created && !r.IsDBNull(7))
        {
            prev = r.GetFieldValue<byte[]>(7);
        }

        return new LogRow(r.GetInt64(0), r.GetString(1), created, r.GetInt64(3) != 0, r.GetInt64(4), r.GetInt64(5), r.GetFieldValue<byte[]>(6), prev);
    }

    private void TryRollback()
    {
        try
        {
            _rollback!.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // No transaction was active (BEGIN or COMMIT itself failed and SQLite already rolled back).
        }
    }

    private void Return(Reader reader)
    {
        if (Volatile.Read(ref _disposed))
        {
            reader.Dispose();
        }
        else
        {
            _readers.Add(reader);
        }
    }

    private Reader RentReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _readers.TryTake(out var r) ? r : new Reader(_connectionString);
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long ScalarLong(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Prepare(SqliteConnection c, string sql, params string[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in parameters)
        {
            cmd.Parameters.Add(p, SqliteType.Integer);
        }

        cmd.Prepare();
        return cmd;
    }

    /// <summary>A reader connection with its prepared statements; used by one thread at a time.</summary>
    private sealed class Reader : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _begin;
        private readonly SqliteCommand _end;
        private readonly SqliteCommand _compactRevision;

        public Reader(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            Exec(_connection, "PRAGMA busy_timeout=10000;");
            _begin = Prepare(_connection, "BEGIN;");
            _end = Prepare(_connection, "COMMIT;");
            _compactRevision = Prepare(_connection, "SELECT coalesce((SELECT value FROM meta WHERE key = 'compact_rev'), 0);");

            GetLatest = _connection.CreateCommand();
            GetLatest.CommandText = $"SELECT {Columns} FROM log WHERE name = $name ORDER BY id DESC LIMIT 1;";
            GetLatestName = GetLatest.Parameters.Add("$name", SqliteType.Text);
            GetLatest.Prepare();

            List = _connection.CreateCommand();
            List.CommandText = """
                SELECT l.id, l.name, l.created, l.deleted, l.create_revision, l.prev_revision, l.value
                FROM (SELECT name AS n, max(id) AS mid FROM log
                      WHERE name > $after AND name < $end AND id <= $rev GROUP BY name) m
                JOIN log l ON l.id = m.mid
                WHERE l.deleted = 0 ORDER BY m.n LIMIT $limit;
                """;
            AddParameters(List, ("$after", SqliteType.Text), ("$end", SqliteType.Text), ("$rev", SqliteType.Integer), ("$limit", SqliteType.Integer));
            List.Prepare();

            Count = _connection.CreateCommand();
            Count.CommandText = """
                SELECT count(*)
                FROM (SELECT max(id) AS mid FROM log
                      WHERE name > $after AND name < $end AND id <= $rev GROUP BY name) m
                JOIN log l ON l.id = m.mid
                WHERE l.deleted = 0;
                """;
            AddParameters(Count, ("$after", SqliteType.Text), ("$end", SqliteType.Text), ("$rev", SqliteType.Integer));
            Count.Prepare();

            ReadAfter = _connection.CreateCommand();
            ReadAfter.CommandText = """
                SELECT l.id, l.name, l.created, l.deleted, l.create_revision, l.prev_revision, l.value, p.value
                FROM log l LEFT JOIN log p ON p.id = l.prev_revision
                WHERE l.id > $after AND l.name > $prefix AND l.name < $end
                ORDER BY l.id LIMIT $limit;
                """;
            AddParameters(ReadAfter, ("$after", SqliteType.Integer), ("$prefix", SqliteType.Text), ("$end", SqliteType.Text), ("$limit", SqliteType.Integer));
            ReadAfter.Prepare();
        }

        public SqliteCommand GetLatest { get; }

        public SqliteParameter GetLatestName { get; }

        public SqliteCommand List { get; }

        public SqliteCommand Count { get; }

        public SqliteCommand ReadAfter { get; }

        /// <summary>Runs <paramref name="read"/> in one read snapshot after checking <paramref name="revision"/> is not compacted.</summary>
        public T InSnapshot<T>(long revision, Func<Reader, T> read)
        {
            _begin.ExecuteNonQuery();
            try
            {
                var compacted = (long)_compactRevision.ExecuteScalar()!;
                if (revision < compacted)
                {
                    throw new StoreException(StoreErrorReason.Expired, $"too old resource version: {revision} ({compacted})");
                }

                return read(this);
            }
            finally
            {
                _end.ExecuteNonQuery();
            }
        }

        public void Dispose()
        {
            GetLatest.Dispose();
            List.Dispose();
            Count.Dispose();
            ReadAfter.Dispose();
            _begin.Dispose();
            _end.Dispose();
            _compactRevision.Dispose();
            _connection.Dispose();
        }

        private static void AddParameters(SqliteCommand cmd, params (string Name, SqliteType Type)[] parameters)
        {
            foreach (var (name, type) in parameters)
            {
                cmd.Parameters.Add(name, type);
            }
        }
    }
}
