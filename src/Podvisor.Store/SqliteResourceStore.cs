using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Podvisor.Store.Sqlite;

namespace Podvisor.Store;

/// <summary>Opens the embedded store: one SQLite file, <c>{dataDir}/podvisor.db</c>.</summary>
public static class SqliteResourceStore
{
    public const string DatabaseFileName = "podvisor.db";

    /// <summary>Opens (creating if needed) <c>{dataDir}/podvisor.db</c>. Dispose the store to close it.</summary>
    public static Task<IResourceStore> OpenAsync(string dataDir, TimeProvider time, ILoggerFactory? loggerFactory, StoreOptions? options, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        return OpenFileAsync(Path.Combine(dataDir, DatabaseFileName), time, loggerFactory, options, ct);
    }

    /// <summary>Opens (creating if needed) the database file at <paramref name="databasePath"/>.</summary>
    public static async Task<IResourceStore> OpenFileAsync(string databasePath, TimeProvider time, ILoggerFactory? loggerFactory, StoreOptions? options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        return await Task.Run(() => Open(databasePath, time, loggerFactory, options), ct);
    }

    internal static ResourceStore Open(string databasePath, TimeProvider time, ILoggerFactory? loggerFactory, StoreOptions? options)
    {
        var backend = new SqliteLogBackend(databasePath);
        try
        {
            return new ResourceStore(backend, time, options ?? new StoreOptions(), loggerFactory ?? NullLoggerFactory.Instance);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }
}
