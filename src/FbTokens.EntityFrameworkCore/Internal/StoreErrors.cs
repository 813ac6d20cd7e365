using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace FbTokens.EntityFrameworkCore.Internal;

/// <summary>How the EF Core store tells a schema problem (the table or a column missing) from a database it could not reach.</summary>
internal static class StoreErrors
{
    /// <summary>
    /// The providers' messages that name a missing column: the text before the name, and text the message must also hold
    /// (empty for none).
    /// </summary>
    private static readonly (string Before, string AlsoHolds)[] ColumnMessages =
    [
        ("no such column: ", ""),
        ("has no column named ", ""),
        ("Invalid column name '", ""),
        ("column ", " does not exist"),
    ];

    /// <summary>
    /// Whether <paramref name="ex"/> says the table or one of its columns does not exist: SQLite's "no such table/column",
    /// the SQL-standard states PostgreSQL and others report (42P01 undefined table, 42703 undefined column, 42S02/42S22 as
    /// MySQL and ODBC drivers say), SQL Server's "Invalid object/column name". Checked before <see cref="IsUnavailable"/>:
    /// such a database was reached, and trying again does not help.
    /// </summary>
    internal static bool IsSchemaProblem(Exception ex) => SchemaProblemOf(ex) is not null;

    /// <summary>"table" or "column" when <paramref name="ex"/> (or an inner exception) reports that one is missing; else null.</summary>
    internal static string? SchemaProblemOf(Exception ex)
    {
        for (var current = (Exception?)ex; current is not null; current = current.InnerException)
        {
            if (current is not DbException db)
            {
                continue;
            }

            switch (db.SqlState)
            {
                case "42P01" or "42S02":
                    return "table";
                case "42703" or "42S22":
                    return "column";
            }

            var message = db.Message;
            if (message.Contains("no such table", StringComparison.OrdinalIgnoreCase) || message.Contains("Invalid object name", StringComparison.OrdinalIgnoreCase))
            {
                return "table";
            }

            if (message.Contains("no such column", StringComparison.OrdinalIgnoreCase) || message.Contains("has no column named", StringComparison.OrdinalIgnoreCase)
                || message.Contains("Invalid column name", StringComparison.OrdinalIgnoreCase))
            {
                return "column";
            }
        }

        return null;
    }

    /// <summary>
    /// The name of the missing column <paramref name="ex"/> reports, when the provider's message names it: PostgreSQL
    /// <c>column "X" does not exist</c> (or <c>column t.X …</c>), SQLite <c>no such column: t.X</c> and <c>has no column
    /// named X</c>, SQL Server <c>Invalid column name 'X'</c>; null otherwise.
    /// </summary>
    internal static string? MissingColumnOf(Exception ex)
    {
        for (var current = (Exception?)ex; current is not null; current = current.InnerException)
        {
            if (current is not DbException db)
            {
                continue;
            }

            var message = db.Message;
            foreach (var (before, alsoHolds) in ColumnMessages)
            {
                var start = message.IndexOf(before, StringComparison.OrdinalIgnoreCase);
                if (start < 0 || (alsoHolds.Length > 0 && !message.Contains(alsoHolds, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                // The name, possibly qualified (t.X) or quoted ("X", 'X', [X]): its last part.
                start += before.Length;
                var end = start;
                while (end < message.Length && (char.IsLetterOrDigit(message[end]) || message[end] is '_' or '.' or '"' or '[' or ']'))
                {
                    end++;
                }

                var name = message[start..end];
                name = name[(name.LastIndexOf('.') + 1)..].Trim('"', '[', ']');
                if (name.Length is > 0 and <= 128)
                {
                    return name;
                }
            }
        }

        return null;
    }

    /// <summary>The mapped table, with its schema when it has one (from the model, so the host's name and schema).</summary>
    internal static string TableOf(DbContext context)
    {
        var entity = context.Model.FindEntityType(typeof(StoredTokenEntity));
        var table = entity?.GetTableName() ?? "FbTokens";
        return entity?.GetSchema() is { Length: > 0 } schema ? schema + "." + table : table;
    }

    internal static bool IsUnavailable(Exception ex) =>
        ex is DbException or TimeoutException or DbUpdateException
        || (ex is InvalidOperationException && ex.InnerException is DbException or TimeoutException or DbUpdateException);
}
