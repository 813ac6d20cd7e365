namespace FbTokens;

/// <summary>
/// The <see cref="ITokenStore"/>'s database was reached, but its schema is missing or out of date: the tokens table or one
/// of its columns does not exist. Trying again does not help; apply the migrations (<c>dotnet ef database update</c>, or
/// <c>Database.EnsureCreated()</c> for a database without migrations). <see cref="Exception.InnerException"/> holds the
/// database's own error.
/// </summary>
public sealed class TokenStoreSchemaException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="tableName">The table the store uses (with its schema, if any).</param>
    /// <param name="message">What is missing and what to do; never a token value.</param>
    /// <param name="innerException">The database's own error.</param>
    public TokenStoreSchemaException(string tableName, string message, Exception? innerException)
        : base(message, innerException)
    {
        TableName = tableName;
    }

    /// <summary>The table the store uses (with its schema, if any).</summary>
    public string TableName { get; }
}
