using SQLitePCL;

namespace Podvisor.Store.Sqlite;

/// <summary>A SQLite call failed: its primary result code (19 = SQLITE_CONSTRAINT) and SQLite's message.</summary>
internal sealed class SqliteStoreException(int resultCode, string message) : Exception($"SQLite error {resultCode}: {message}")
{
    public const int Constraint = 19;

    public int ResultCode { get; } = resultCode;
}

/// <summary>
/// One SQLite connection, straight over SQLitePCLRaw's e_sqlite3 provider. The store needs prepared statements,
/// transactions and a handful of column types; ADO.NET's layer over the same calls (Microsoft.Data.Sqlite,
/// System.Data.Common, the connection-string builder with its type converters and regular expressions) cost serve
/// ~4 MiB of resident memory (88 -> 84 MiB idle) and start-up time for nothing it used (docs/benchmarks.md, api).
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    static SqliteDatabase() => raw.SetProvider(new SQLite3Provider_e_sqlite3());

    private readonly sqlite3 _db;

    private SqliteDatabase(sqlite3 db) => _db = db;

    /// <summary>Opens (creating when missing) the database file at <paramref name="path"/>.</summary>
    public static SqliteDatabase Open(string path)
    {
        var rc = raw.sqlite3_open_v2(path, out var db, raw.SQLITE_OPEN_READWRITE | raw.SQLITE_OPEN_CREATE | raw.SQLITE_OPEN_PRIVATECACHE, null);
        if (rc != raw.SQLITE_OK)
        {
            var message = db is null ? raw.sqlite3_errstr(rc).utf8_to_string() : raw.sqlite3_errmsg(db).utf8_to_string();
            db?.Dispose();
            throw new SqliteStoreException(rc & 0xFF, $"{message} (opening {path})");
        }

        return new SqliteDatabase(db);
    }

    /// <summary>Runs one or more statements that return no rows.</summary>
    public void Execute(string sql)
    {
        var rc = raw.sqlite3_exec(_db, sql, out var error);
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteStoreException(rc & 0xFF, error ?? Message());
        }
    }

    /// <summary>Prepares one statement; its parameters are bound by their 1-based position.</summary>
    public SqliteStatement Prepare(string sql)
    {
        Check(raw.sqlite3_prepare_v2(_db, sql, out var stmt));
        return new SqliteStatement(this, stmt);
    }

    /// <summary>The first column of the first row of a one-off query, as an integer (0 for NULL).</summary>
    public long ScalarInt64(string sql)
    {
        using var stmt = Prepare(sql);
        return stmt.ScalarInt64();
    }

    /// <summary>The first column of the first row of a one-off query, as text ("" for no row).</summary>
    public string ScalarText(string sql)
    {
        using var stmt = Prepare(sql);
        try
        {
            return stmt.Step() ? stmt.Text(0) : "";
        }
        finally
        {
            stmt.Reset();
        }
    }

    public void Dispose() => _db.Dispose();

    internal void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteStoreException(rc & 0xFF, Message());
        }
    }

    internal string Message() => raw.sqlite3_errmsg(_db).utf8_to_string();

    internal int Changes() => raw.sqlite3_changes(_db);
}

/// <summary>A prepared statement. Bind, then <see cref="Step"/> or <see cref="Execute"/>; it is reset for reuse.</summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly SqliteDatabase _db;
    private readonly sqlite3_stmt _stmt;

    internal SqliteStatement(SqliteDatabase db, sqlite3_stmt stmt)
    {
        _db = db;
        _stmt = stmt;
    }

    public void Bind(int index, long value) => _db.Check(raw.sqlite3_bind_int64(_stmt, index, value));

    public void Bind(int index, string value) => _db.Check(raw.sqlite3_bind_text(_stmt, index, value));

    /// <summary>Binds a blob; an empty one is a zero-length blob, not NULL.</summary>
    public void Bind(int index, ReadOnlySpan<byte> value) => _db.Check(raw.sqlite3_bind_blob(_stmt, index, value));

    /// <summary>Advances to the next row: true when there is one, false when the statement is done.</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_stmt);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }

        var message = _db.Message();
        raw.sqlite3_reset(_stmt);
        throw new SqliteStoreException(rc & 0xFF, message);
    }

    /// <summary>Ends the current run so the statement can be bound and run again.</summary>
    public void Reset() => raw.sqlite3_reset(_stmt);

    /// <summary>Runs a statement that returns no rows; the number of rows it changed.</summary>
    public int Execute()
    {
        try
        {
            while (Step())
            {
            }

            return _db.Changes();
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>The first column of the first row as an integer (0 when there is no row or it is NULL).</summary>
    public long ScalarInt64()
    {
        try
        {
            return Step() ? Int64(0) : 0;
        }
        finally
        {
            Reset();
        }
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_stmt, column);

    public string Text(int column) => raw.sqlite3_column_text(_stmt, column).utf8_to_string() ?? "";

    public byte[] Blob(int column) => raw.sqlite3_column_blob(_stmt, column).ToArray();

    public bool IsNull(int column) => raw.sqlite3_column_type(_stmt, column) == raw.SQLITE_NULL;

    public void Dispose() => _stmt.Dispose();
}
