using Podvisor.Store.Log;
using Podvisor.Store.Sqlite;

namespace Podvisor.Store.Tests;

/// <summary>The thin SQLite layer under the store, on real files: values round-trip, errors carry SQLite's code and message.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _dir = TempStore.NewDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Values_RoundTrip_IncludingAnEmptyBlobAndNull()
    {
        using var db = SqliteDatabase.Open(Path.Combine(_dir, "t.db"));
        db.Execute("CREATE TABLE t (i INTEGER NOT NULL, s TEXT NOT NULL, b BLOB NOT NULL, n BLOB);");
        using (var insert = db.Prepare("INSERT INTO t (i, s, b) VALUES (?1, ?2, ?3);"))
        {
            insert.Bind(1, long.MaxValue);
            insert.Bind(2, "ünïcødé/名前");
            insert.Bind(3, ReadOnlySpan<byte>.Empty);
            Assert.Equal(1, insert.Execute());
            insert.Bind(1, -1);
            insert.Bind(2, "");
            insert.Bind(3, new byte[] { 0, 1, 255 });
            Assert.Equal(1, insert.Execute());
        }

        using var select = db.Prepare("SELECT i, s, b, n FROM t ORDER BY rowid;");
        Assert.True(select.Step());
        Assert.Equal(long.MaxValue, select.Int64(0));
        Assert.Equal("ünïcødé/名前", select.Text(1));
        Assert.False(select.IsNull(2));
        Assert.Empty(select.Blob(2));
        Assert.True(select.IsNull(3));
        Assert.True(select.Step());
        Assert.Equal(-1, select.Int64(0));
        Assert.Equal("", select.Text(1));
        Assert.Equal(new byte[] { 0, 1, 255 }, select.Blob(2));
        Assert.False(select.Step());
        select.Reset();
        Assert.True(select.Step());
    }

    [Fact]
    public void ConstraintViolation_HasCode19AndTheStatementStaysUsable()
    {
        using var db = SqliteDatabase.Open(Path.Combine(_dir, "t.db"));
        db.Execute("CREATE TABLE t (k TEXT PRIMARY KEY);");
        using var insert = db.Prepare("INSERT INTO t (k) VALUES (?1);");
        insert.Bind(1, "a");
        insert.Execute();

        var e = Assert.Throws<SqliteStoreException>(() => insert.Execute());
        Assert.Equal(SqliteStoreException.Constraint, e.ResultCode);
        Assert.Contains("UNIQUE constraint failed: t.k", e.Message);

        insert.Bind(1, "b");
        Assert.Equal(1, insert.Execute());
        Assert.Equal(2, db.ScalarInt64("SELECT count(*) FROM t;"));
    }

    [Fact]
    public void BadSql_And_BadFiles_FailWithSqlitesMessage()
    {
        using (var db = SqliteDatabase.Open(Path.Combine(_dir, "t.db")))
        {
            Assert.Contains("syntax error", Assert.Throws<SqliteStoreException>(() => db.Prepare("SELEKT 1;")).Message);
            Assert.Contains("no such table", Assert.Throws<SqliteStoreException>(() => db.Execute("DELETE FROM missing;")).Message);
        }

        var notADatabase = Path.Combine(_dir, "garbage.db");
        File.WriteAllBytes(notADatabase, Enumerable.Repeat((byte)'x', 8192).ToArray());
        using (var db = SqliteDatabase.Open(notADatabase))
        {
            Assert.Contains("not a database", Assert.Throws<SqliteStoreException>(() => db.Execute("PRAGMA journal_mode=WAL;")).Message);
        }

        var e = Assert.Throws<SqliteStoreException>(() => SqliteDatabase.Open(Path.Combine(_dir, "no-such-dir", "t.db")));
        Assert.Contains("no-such-dir", e.Message);
    }

    [Fact]
    public void LogBackend_DuplicatePrevRevision_IsALogConflict()
    {
        using var backend = new SqliteLogBackend(Path.Combine(_dir, "log.db"));
        backend.Open();
        backend.Append([new LogRow(1, "/k", true, false, 1, 0, [1], null)]);

        Assert.Throws<LogConflictException>(() => backend.Append([new LogRow(2, "/k", false, false, 1, 0, [2], null)]));

        // The failed batch was rolled back: the next one commits.
        backend.Append([new LogRow(2, "/k", false, false, 1, 1, [3], null)]);
        Assert.Equal(new byte[] { 3 }, backend.GetLatest("/k")!.Value.Value);
    }
}
