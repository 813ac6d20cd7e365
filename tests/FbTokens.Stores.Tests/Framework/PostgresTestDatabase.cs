using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>A throwaway database on the test PostgreSQL server, with the FbTokens table, dropped afterwards.</summary>
internal sealed class PostgresTestDatabase
{
    public string Name { get; } = "fbtokens_test_" + Guid.NewGuid().ToString("N");

    public string ConnectionString { get; private set; } = "";

    public async Task CreateAsync()
    {
        var server = await TestServers.PostgresAsync();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name, MaxPoolSize = 50 }.ToString();
        await using var context = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(ConnectionString).Options);
        await context.Database.EnsureCreatedAsync();
    }

    public async Task DropAsync()
    {
        if (ConnectionString.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(await TestServers.PostgresAsync()) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Ends every server session connected to this database (as an administrator or a failover would).</summary>
    public async Task<int> TerminateConnectionsAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(await TestServers.PostgresAsync()) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection);
        command.Parameters.AddWithValue("name", Name);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
