using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// A throwaway SQLite database file with the FbTokens table, in WAL mode (readers do not block the writer; writers queue on
/// the 60-second busy timeout), deleted afterwards with its WAL files.
/// </summary>
internal sealed class SqliteTestDatabase(string name)
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "fbtokens-" + name + "-" + Guid.NewGuid().ToString("N") + ".db");

    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _path, DefaultTimeout = 60 }.ToString();

    public async Task CreateAsync()
    {
        await using var context = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>().UseSqlite(ConnectionString).Options);
        await context.Database.EnsureCreatedAsync();
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
